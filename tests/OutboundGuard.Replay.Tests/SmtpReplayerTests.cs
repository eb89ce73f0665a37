using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Replaying;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Replay.Tests;

/// <summary>The replayer against a real SMTP server: Postfix's smtp-sink on loopback.</summary>
public sealed class SmtpReplayerTests : IAsyncLifetime
{
    private PostfixSmtpSink _sink = null!;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "og-replayer-" + Guid.NewGuid().ToString("N")[..10]);

    public async Task InitializeAsync() => _sink = await PostfixSmtpSink.StartAsync();

    public async Task DisposeAsync()
    {
        await _sink.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Every_message_reaches_the_server_with_its_envelope_and_captured_time_header()
    {
        var writer = new BurstWriter(_root);
        for (var i = 0; i < 12; i++)
        {
            var account = $"user{i % 3}@tenant.example";
            var eml = $"From: {account}\r\nTo: r{i}@example.org\r\nSubject: message {i}\r\nMessage-ID: <m{i}@tenant.example>\r\n\r\nbody {i}\r\n";
            writer.Add(new BurstEntry { OffsetMs = i * 60_000L, Account = account, MailFrom = account, RcptTo = [$"r{i}@example.org"], Label = "ham" }, System.Text.Encoding.ASCII.GetBytes(eml));
        }

        writer.AddWithoutContent(new BurstEntry { OffsetMs = 999_999, Account = "user0@tenant.example", Status = BurstLabels.Refused, Verdict = "Suspend: test" });
        writer.Complete();
        using var burst = BurstReader.Open(_root);
        var seen = 0;
        var replayer = new SmtpReplayer(new ReplayOptions { Host = "127.0.0.1", Port = _sink.Port, Pace = ReplayPace.Fast, Concurrency = 4 });
        var results = await replayer.ReplayAsync(burst, _ => Interlocked.Increment(ref seen), CancellationToken.None);

        Assert.Equal(13, seen);
        Assert.Equal(12, results.Count(r => r.Outcome == SendOutcome.Accepted));
        Assert.Equal(SendOutcome.Skipped, results[^1].Outcome);
        // By content, not by files: a file smtp-sink lists may still be waiting for its data.
        var texts = await _sink.WaitForMessagesContainingAsync(ReplayTimeHeader.Name + ": ", 12, TimeSpan.FromSeconds(30));
        Assert.Equal(12, texts.Count);
        Assert.Equal(12, _sink.ReceivedFiles().Count);
        var eleventh = texts.Single(t => t.Contains("Subject: message 11", StringComparison.Ordinal));
        Assert.Contains("r11@example.org", eleventh, StringComparison.Ordinal);
        var stamp = eleventh.Split('\n').Single(l => l.StartsWith(ReplayTimeHeader.Name, StringComparison.Ordinal))[(ReplayTimeHeader.Name.Length + 1)..];
        var first = texts.Single(t => t.Contains("Subject: message 0\n", StringComparison.Ordinal) || t.Contains("Subject: message 0\r", StringComparison.Ordinal));
        var firstStamp = first.Split('\n').Single(l => l.StartsWith(ReplayTimeHeader.Name, StringComparison.Ordinal))[(ReplayTimeHeader.Name.Length + 1)..];
        Assert.True(ReplayTimeHeader.TryParse(stamp, out var at11));
        Assert.True(ReplayTimeHeader.TryParse(firstStamp, out var at0));
        Assert.Equal(TimeSpan.FromMinutes(11), at11 - at0);
    }

    [Fact]
    public async Task Two_sessions_of_one_account_run_in_parallel_while_each_session_sends_in_order()
    {
        // smtp-sink answers each DATA after 4 s by its clock of whole seconds, so after 3 to 4 s: serialised, 4 messages
        // take at least 12 s; on two parallel sessions, at most 8 s and a connection's retried SYN (1 s) when the
        // machine is busy. (With 2 s the two ranges met: a CI run saw the second session's first reply 1 s after the first's.)
        await using var slow = await PostfixSmtpSink.StartAsync(dataDelaySeconds: 4);
        var writer = new BurstWriter(_root);
        for (var i = 0; i < 4; i++)
        {
            var eml = $"From: app@tenant.example\r\nTo: r{i}@example.org\r\nSubject: message {i}\r\nMessage-ID: <s{i}@tenant.example>\r\n\r\nbody {i}\r\n";
            writer.Add(new BurstEntry { OffsetMs = i, Account = "app@tenant.example", RcptTo = [$"r{i}@example.org"], ClientIp = "mta.tenant.example", Session = i % 2 == 0 ? "s1" : "s2" }, System.Text.Encoding.ASCII.GetBytes(eml));
        }

        writer.Complete();
        using var burst = BurstReader.Open(_root);
        var done = new System.Collections.Concurrent.ConcurrentQueue<(string Session, TimeSpan At)>();
        var started = TimeProvider.System.GetTimestamp();
        var replayer = new SmtpReplayer(new ReplayOptions { Host = "127.0.0.1", Port = slow.Port, Pace = ReplayPace.Fast, Concurrency = 8, BindClientAddresses = true });
        var results = await replayer.ReplayAsync(burst, r => done.Enqueue((r.Entry.Session!, TimeProvider.System.GetElapsedTime(started))), CancellationToken.None);

        Assert.All(results, r => Assert.Equal(SendOutcome.Accepted, r.Outcome));
        var finished = done.ToList();
        var sessions = finished.GroupBy(f => f.Session).Select(g => (First: g.Min(f => f.At), Second: g.Max(f => f.At))).ToList();
        Assert.Equal(2, sessions.Count);
        // All four answered sooner than one after the other could be: the sessions overlapped.
        Assert.True(finished.Max(f => f.At) < TimeSpan.FromSeconds(11), $"the sessions did not overlap: {string.Join(", ", finished)}");
        // Within a session, one message after the other: the second waits for the first's delayed DATA reply.
        Assert.All(sessions, s => Assert.True(s.Second - s.First >= TimeSpan.FromSeconds(2.5), $"a session sent two messages at once: {string.Join(", ", finished)}"));
        Assert.Equal(4, (await slow.WaitForMessagesAsync(4, TimeSpan.FromSeconds(30))).Count);
    }

    [Fact]
    public void Accounts_sharing_a_client_label_connect_from_the_same_loopback_address()
    {
        var webmail = ClientAddressMap.Loopback("webmail.provider.example");
        Assert.NotNull(webmail);
        Assert.Equal(webmail, ClientAddressMap.Loopback("webmail.provider.example"));
        Assert.NotEqual(webmail, ClientAddressMap.Loopback("mta.tenant.example"));
        Assert.True(System.Net.IPAddress.IsLoopback(webmail));
    }

    [Fact]
    public async Task A_server_that_is_not_listening_yields_failed_results_not_an_exception()
    {
        var writer = new BurstWriter(_root);
        writer.Add(new BurstEntry { Account = "a@tenant.example", RcptTo = ["b@example.org"] }, "Subject: x\r\n\r\nx\r\n"u8);
        writer.Complete();
        using var burst = BurstReader.Open(_root);
        var results = await new SmtpReplayer(new ReplayOptions { Host = "127.0.0.1", Port = FreePort.Next(), Pace = ReplayPace.Fast }).ReplayAsync(burst, null, CancellationToken.None);
        Assert.Equal(SendOutcome.Failed, results.Single().Outcome);
    }
}
