using System.Diagnostics;
using OutboundGuard.Reliability.Tests.Support;
using OutboundGuard.Testing.Processes;
using OutboundGuard.Testing.Smtp;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Reliability.Tests.Faults;

/// <summary>
/// The spool on a 2 MiB tmpfs that fills up while the smarthost is down: clients get 451 4.3.0, every
/// message that got a 250 is delivered once the smarthost returns, and the freed space lets new mail in.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private const string StorageUnavailable = "451 4.3.0 Message storage unavailable, try again later\r\n";

    [MountFact]
    public async Task A_full_spool_gets_451_loses_nothing_and_accepts_again_once_space_is_freed()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "og-full-" + Guid.NewGuid().ToString("N")[..10]);
        var spool = Path.Combine(dataDirectory, "spool");
        Directory.CreateDirectory(spool);
        await MountFactAttribute.RunAsync("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", spool);
        try
        {
            var smarthostPort = FreePort.Next();
            await using var harness = await RelayHarness.StartAsync($"127.0.0.1:{smarthostPort}", RelayHarness.PermissiveScoring(RelayHarness.BaseEnvironment()), dataDirectory);
            var (account, password) = await harness.AddAccountAsync("full@tenant.example");
            await using var client = await RawSmtpClient.ConnectAsync(harness.SmtpEndPoint);
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO client.test");
            await client.CommandAsync(AbuseRelayFixture.AuthPlain(account, password));
            var accepted = new List<string>();
            string? refusal = null;
            var body = string.Concat(Enumerable.Repeat(new string('d', 998) + "\r\n", 300));
            for (var i = 0; i < 20 && refusal is null; i++)
            {
                var reply = await SendAsync(client, $"full-{i}", body);
                if (reply.StartsWith("250", StringComparison.Ordinal))
                {
                    accepted.Add($"full-{i}");
                }
                else
                {
                    refusal = reply;
                }
            }

            output.WriteLine($"accepted {accepted.Count} messages of 300 KB before: {refusal?.Trim()}");
            Assert.Equal(StorageUnavailable, refusal);
            Assert.StartsWith("250", await client.CommandAsync("NOOP"), StringComparison.Ordinal);

            await using var sink = await PostfixSmtpSink.StartAsync(smarthostPort);
            // Wait for every accepted message by its subject, not for a number of files: a file may still be
            // being written when first listed, and a retried delivery may arrive twice (docs/delivery.md).
            static bool Has(string content, string id) => content.Contains($"Subject: {id}\r\n", StringComparison.Ordinal) || content.Contains($"Subject: {id}\n", StringComparison.Ordinal);
            var waited = Stopwatch.StartNew();
            string[] contents;
            do
            {
                var delivered = await sink.WaitForMessagesAsync(accepted.Count, TimeSpan.FromSeconds(60));
                await Task.Delay(200);
                contents = await Task.WhenAll(delivered.Select(f => File.ReadAllTextAsync(f)));
            }
            while (!accepted.All(id => contents.Any(c => Has(c, id))) && waited.Elapsed < TimeSpan.FromSeconds(60));

            Assert.All(accepted, id => Assert.Contains(contents, c => Has(c, id)));

            // Delivered spool files are removed, so the same client is accepted again.
            var deadline = Stopwatch.StartNew();
            string again;
            do
            {
                again = await SendAsync(client, "after-full", body);
            }
            while (!again.StartsWith("250", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromSeconds(30));

            Assert.StartsWith("250 2.0.0", again, StringComparison.Ordinal);
        }
        finally
        {
            await MountFactAttribute.RunAsync("umount", "-l", spool);
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<string> SendAsync(RawSmtpClient client, string id, string body)
    {
        await client.CommandAsync("MAIL FROM:<full@tenant.example>");
        await client.CommandAsync($"RCPT TO:<{id}@example.org>");
        await client.CommandAsync("DATA");
        await client.SendAsync($"Subject: {id}\r\n\r\n{body}");
        return await client.CommandAsync(".");
    }
}
