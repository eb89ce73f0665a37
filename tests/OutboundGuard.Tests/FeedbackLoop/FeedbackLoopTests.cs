using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace OutboundGuard.Tests.FeedbackLoop;

/// <summary>
/// Complaint feedback loops end to end: an account sends through the relay, a mailbox provider reports its messages
/// with DKIM-signed ARF reports over SMTP to fbl@relay.test and through the API, and the complaints weigh on the
/// account's next message — only those signed with the configured provider's key.
/// </summary>
public sealed partial class FeedbackLoopTests(FeedbackLoopFixture fixture) : IClassFixture<FeedbackLoopFixture>
{
    [Fact]
    public async Task Signed_reports_over_smtp_find_the_sender_by_its_trace_header_and_throttle_it()
    {
        var address = $"news{Guid.NewGuid():N}"[..12] + "@fbl-smtp.example";
        var password = await fixture.AddAccountAsync(address);
        var sent = await SendAsync(address, password, 3);

        foreach (var (queueId, subject) in sent.Take(2))
        {
            var delivered = await DeliveredAsync(subject);
            Assert.Contains($"id {queueId}", delivered, StringComparison.Ordinal);
            var report = fixture.Provider.Report(delivered);
            using var client = await ConnectAsync();
            var reply = await client.SendAsync(report, MailboxAddress.Parse("fbl@" + fixture.Provider.Domain), [MailboxAddress.Parse(FeedbackLoopFixture.ReportAddress)]);
            Assert.Contains("Report stored as complaint", reply, StringComparison.Ordinal);
        }

        var complaints = await ComplaintsAsync(address);
        Assert.Equal(2, complaints.Count);
        Assert.All(complaints, c =>
        {
            Assert.True(c.GetProperty("verified").GetBoolean());
            Assert.Equal("smtp", c.GetProperty("door").GetString());
            Assert.Equal("abuse", c.GetProperty("feedbackType").GetString());
            Assert.Equal("mailbox-provider", c.GetProperty("source").GetString());
            Assert.StartsWith("DKIM signature of fbl.mailbox.example (selector s2026) verified", c.GetProperty("verification").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(sent.Take(2).Select(s => s.QueueId).Order(), complaints.Select(c => c.GetProperty("messageId").GetGuid().ToString("N")).Order());

        // 2 complaints over 3 messages: far over the 0.3 % ceiling; the next message is deferred.
        var next = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(address, password, 1));
        Assert.Equal(451, (int)next.StatusCode);
        var evidence = await EvidenceAsync(address);
        const string expected = "2 complaint(s) from feedback loops in 7 days over 3 messages (66.67 %, ceiling 0.3 %) (complaints, weight 50)";
        Assert.True(evidence.Contains(expected), string.Join(" | ", evidence));
    }

    [Fact]
    public async Task Reports_through_the_api_weigh_only_with_the_sources_signature()
    {
        var address = $"shop{Guid.NewGuid():N}"[..12] + "@fbl-api.example";
        var password = await fixture.AddAccountAsync(address);
        var sent = await SendAsync(address, password, 4);
        using var api = await ApiAsync();

        // Signed with another key under the provider's name: stored, shown, no weight.
        var forger = new ArfSample(fixture.Provider.Domain, fixture.Provider.Selector);
        var forged = await PostAsync(api, forger.Report(await DeliveredAsync(sent[0].Subject)));
        Assert.Equal(HttpStatusCode.Created, forged.StatusCode);
        var forgedRow = await forged.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(forgedRow.GetProperty("verified").GetBoolean());
        Assert.Equal("DKIM signature of fbl.mailbox.example (selector s2026) does not verify: stored without weight", forgedRow.GetProperty("verification").GetString());
        Assert.Equal(address, forgedRow.GetProperty("account").GetString());

        // Unsigned: the same.
        var unsigned = await (await PostAsync(api, fixture.Provider.Report(await DeliveredAsync(sent[1].Subject), sign: false))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(unsigned.GetProperty("verified").GetBoolean());
        Assert.Equal("no DKIM signature: stored without weight", unsigned.GetProperty("verification").GetString());

        // Signed by someone who is not a configured source.
        var stranger = new ArfSample("reports.stranger.example", "k1");
        var foreign = await (await PostAsync(api, stranger.Report(await DeliveredAsync(sent[2].Subject)))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(foreign.GetProperty("verified").GetBoolean());
        Assert.Equal("signed by reports.stranger.example, which is not a configured feedback-loop source: stored without weight", foreign.GetProperty("verification").GetString());

        // A provider that strips the relay's trace header: the queue id given with the report finds the account.
        var stripped = Regex.Replace(await DeliveredAsync(sent[3].Subject), @"^Received: from [^\r\n]*(\r?\n[ \t][^\r\n]*)*\r?\n", "", RegexOptions.Multiline);
        Assert.DoesNotContain("(OutboundGuard)", stripped, StringComparison.Ordinal);
        var byQueueId = await PostAsync(api, fixture.Provider.Report(stripped, headersOnly: true), sent[3].QueueId);
        Assert.Equal(HttpStatusCode.Created, byQueueId.StatusCode);
        var weighed = await byQueueId.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(weighed.GetProperty("verified").GetBoolean());
        Assert.Equal(address, weighed.GetProperty("account").GetString());
        Assert.Equal(4, (await ComplaintsAsync(address)).Count);

        // Three reports without weight and one weighing complaint: it tightens, but does not throttle on its own.
        Assert.Single(await SendAsync(address, password, 1));
        Assert.Contains(await EvidenceAsync(address), e => e.StartsWith("1 complaint(s) from feedback loops in 7 days over 4 messages", StringComparison.Ordinal));

        // Not a report: a clear 400.
        using var notArf = new ByteArrayContent("Subject: hello\r\n\r\nnot a report\r\n"u8.ToArray());
        var refused = await api.PostAsync("/api/complaints", notArf);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("not a feedback report", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Without a key: 401.
        using var anonymous = new HttpClient { BaseAddress = api.BaseAddress };
        using var anonymousBody = new ByteArrayContent(ArfSample.Bytes(fixture.Provider.Report(stripped)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/complaints", anonymousBody)).StatusCode);
    }

    [Fact]
    public async Task Without_auth_a_source_may_only_send_reports_to_the_report_address()
    {
        using var client = await ConnectAsync();
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("fbl@" + fixture.Provider.Domain));
        message.To.Add(MailboxAddress.Parse("someone@elsewhere.example"));
        message.Subject = "relay attempt";
        message.Body = new TextPart("plain") { Text = "hello" };
        var relayed = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        Assert.Equal(550, (int)relayed.StatusCode);
        Assert.Contains("may only send reports to fbl@relay.test", relayed.Message, StringComparison.Ordinal);

        var notReport = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message, message.From.Mailboxes.First(), [MailboxAddress.Parse(FeedbackLoopFixture.ReportAddress)]));
        Assert.Equal(550, (int)notReport.StatusCode);
        Assert.Contains("not a feedback report", notReport.Message, StringComparison.Ordinal);
    }

    private async Task<SmtpClient> ConnectAsync()
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", fixture.SmtpPort, SecureSocketOptions.StartTls);
        return client;
    }

    /// <summary>Sends <paramref name="count"/> ordinary messages as the account; returns each one's queue id (from "Queued as …") and subject.</summary>
    private async Task<List<(string QueueId, string Subject)>> SendAsync(string address, string password, int count)
    {
        using var client = await ConnectAsync();
        await client.AuthenticateAsync(address, password);
        var sent = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(address));
            message.To.Add(MailboxAddress.Parse($"customer{i}@recipients.example"));
            message.Subject = $"Our autumn offers {Guid.NewGuid():N}";
            message.Body = new TextPart("plain") { Text = "Hello,\r\n\r\nour autumn catalogue is out, with new garden furniture and tools at friendly prices.\r\nKind regards\r\n" };
            var reply = await client.SendAsync(message);
            sent.Add((QueuedAs().Match(reply).Groups[1].Value, message.Subject));
        }

        await client.DisconnectAsync(quit: true);
        return sent;
    }

    /// <summary>The message as the smarthost got it (the provider's copy), from the first line the relay added.</summary>
    private async Task<string> DeliveredAsync(string subject)
    {
        var dump = await fixture.Sink.WaitForMessageContainingAsync(subject, TimeSpan.FromSeconds(60));
        Assert.NotNull(dump);
        return dump[dump.IndexOf("Received: from", StringComparison.Ordinal)..];
    }

    private string? _apiKey;

    /// <summary>An API client with an operator key made through the CLI, as an admin would.</summary>
    private async Task<HttpClient> ApiAsync()
    {
        if (_apiKey is null)
        {
            var created = await fixture.CliAsync("apikeys", "create", "fbl-" + Guid.NewGuid().ToString("N")[..8], "--role", "operator");
            Assert.True(created.ExitCode == 0, created.StdErr);
            _apiKey = created.StdOut.Trim();
        }

        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.HttpPort}") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        return api;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient api, MimeMessage report, string? queueId = null)
    {
        using var content = new ByteArrayContent(ArfSample.Bytes(report));
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        return await api.PostAsync("/api/complaints" + (queueId is null ? "" : "?queueId=" + queueId), content);
    }

    private async Task<List<JsonElement>> ComplaintsAsync(string address)
    {
        using var api = await ApiAsync();
        return (await api.GetFromJsonAsync<List<JsonElement>>($"/api/complaints?account={address}"))!;
    }

    private async Task<List<string>> EvidenceAsync(string address)
    {
        using var api = await ApiAsync();
        using var detail = JsonDocument.Parse(await api.GetStringAsync($"/api/accounts/{address}"));
        return [.. detail.RootElement.GetProperty("timeline").EnumerateArray().SelectMany(t => t.GetProperty("evidence").EnumerateArray()).Select(e => e.GetString()!)];
    }

    [GeneratedRegex(@"Queued as ([0-9a-f]{32})")]
    private static partial Regex QueuedAs();
}
