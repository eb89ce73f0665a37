using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Testing.Processes;
using OutboundGuard.Testing.Smtp;
using Xunit;

namespace OutboundGuard.Admin.Tests.EndToEnd;

/// <summary>
/// A suspended account that keeps trying on a real <c>outboundguard serve</c>: each MAIL FROM is refused with 550
/// from memory, and the attempts reach the account-minute rows in one flush, so the API's account view, its timeline,
/// the metrics and the account page's charts all show them.
/// </summary>
public sealed partial class RefusedAttemptsEndToEndTests(RefusedAttemptsEndToEndTests.Serve serve) : IClassFixture<RefusedAttemptsEndToEndTests.Serve>
{
    private const int Attempts = 23;

    /// <summary>One <c>outboundguard serve</c> for the class, flushing refused attempts every 500 ms.</summary>
    public sealed class Serve : IAsyncLifetime
    {
        public string Data { get; } = Path.Combine(Path.GetTempPath(), "og-refused-" + Guid.NewGuid().ToString("N")[..10]);

        public int SmtpPort { get; } = FreePort.Next();

        public int HttpPort { get; } = FreePort.Next();

        private RelayProcess _relay = null!;

        public async Task InitializeAsync()
        {
            _relay = RelayProcess.Start(
                ["serve", "--smtp", $"127.0.0.1:{SmtpPort}", "--http", $"127.0.0.1:{HttpPort}", "--data", Data],
                new Dictionary<string, string> { ["OutboundGuard__Relay__RefusedAttemptFlushInterval"] = "00:00:00.500" });
            await _relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(240));
        }

        public async Task DisposeAsync()
        {
            await _relay.DisposeAsync();
            try
            {
                Directory.Delete(Data, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private async Task CliAsync(string? stdin, params string[] arguments)
    {
        var (exitCode, _, stdErr) = await RelayProcess.RunAsync([.. arguments, "--data", serve.Data], stdin);
        Assert.True(exitCode == 0, stdErr);
    }

    private async Task<HttpClient> ApiAsync(string keyName)
    {
        var created = await RelayProcess.RunAsync(["apikeys", "create", keyName, "--role", "viewer", "--data", serve.Data], null);
        Assert.True(created.ExitCode == 0, created.StdErr);
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serve.HttpPort}") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.StdOut.Trim());
        return api;
    }

    [Fact]
    public async Task A_suspended_account_that_keeps_trying_shows_its_refused_attempts_in_the_api_the_timeline_the_metrics_and_the_chart()
    {
        var address = $"bot{Guid.NewGuid():N}"[..12] + "@tenant.example";
        const string password = "Keeps-Trying-2024!";
        await CliAsync(password + "\n", "accounts", "add", address, "--password-stdin");
        await CliAsync(null, "accounts", "suspend", address, "--reason", "phishing burst");
        await CliAsync("Console-Reader-2024!\n", "users", "add", "reader", "--role", "viewer", "--password-stdin");

        await using (var client = await RawSmtpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serve.SmtpPort)))
        {
            Assert.StartsWith("220", await client.ReadReplyAsync(), StringComparison.Ordinal);
            Assert.StartsWith("250", await client.CommandAsync("EHLO bot.example"), StringComparison.Ordinal);
            Assert.StartsWith("220", await client.CommandAsync("STARTTLS"), StringComparison.Ordinal);
            await client.StartTlsAsync();
            Assert.StartsWith("250", await client.CommandAsync("EHLO bot.example"), StringComparison.Ordinal);
            Assert.StartsWith("235", await client.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{address}\0{password}"))), StringComparison.Ordinal);
            for (var i = 0; i < Attempts; i++)
            {
                Assert.StartsWith("550 5.7.1", await client.CommandAsync($"MAIL FROM:<{address}>"), StringComparison.Ordinal);
            }
        }

        using var api = await ApiAsync("refused");
        var detail = await Eventually.ValueAsync(async () =>
        {
            var doc = JsonDocument.Parse(await api.GetStringAsync($"/api/accounts/{address}"));
            return doc.RootElement.GetProperty("refusedAttempts").GetProperty("suspended").GetInt64() == Attempts ? doc : null;
        }, "the refused attempts in the API's account view");
        using (detail)
        {
            Assert.Equal(0, detail.RootElement.GetProperty("refusedAttempts").GetProperty("throttled").GetInt64());
            // One entry per 10-min window: one, or two when the attempts straddled a window's end.
            var entries = detail.RootElement.GetProperty("timeline").EnumerateArray().Where(t => t.GetProperty("kind").GetString() == "refused")
                .Select(t => TimelineText().Match(t.GetProperty("text").GetString()!)).ToList();
            Assert.InRange(entries.Count, 1, 2);
            Assert.All(entries, m => Assert.True(m.Success));
            Assert.Equal(Attempts, entries.Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        }

        var metrics = await api.GetStringAsync("/metrics");
        Assert.Contains($"outboundguard_refused_attempts_total{{state=\"suspended\"}} {Attempts}", metrics, StringComparison.Ordinal);

        using var browser = new SignInClient(new Uri($"http://127.0.0.1:{serve.HttpPort}"), IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("reader", "Console-Reader-2024!")).StatusCode);
        var page = await browser.GetStringAsync($"/accounts/{address}");
        // Both charts (around the incident, per minute; the last 24 h, per hour) stack the refused attempts as their last series.
        Assert.Equal(2 * Attempts, ChartRefused().Matches(page).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        Assert.Contains("while suspended (at MAIL FROM, within 10 min)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_accepted_message_has_its_body_fingerprint_stored_with_it_before_anyone_opens_it()
    {
        var address = $"news{Guid.NewGuid():N}"[..12] + "@tenant.example";
        const string password = "Monthly-Letter-2024!";
        await CliAsync(password + "\n", "accounts", "add", address, "--password-stdin");
        using (var client = new MailKit.Net.Smtp.SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 })
        {
            await client.ConnectAsync("127.0.0.1", serve.SmtpPort, MailKit.Security.SecureSocketOptions.StartTls);
            await client.AuthenticateAsync(address, password);
            foreach (var name in new[] { "Alice", "Bob" })
            {
                var message = new MimeKit.MimeMessage();
                message.From.Add(MimeKit.MailboxAddress.Parse(address));
                message.To.Add(MimeKit.MailboxAddress.Parse($"{name.ToLowerInvariant()}@partner.example"));
                message.Subject = "Our December newsletter";
                message.Body = new MimeKit.TextPart("plain") { Text = $"Dear {name},\r\n\r\nthis month we opened a second office and our support hours grow longer; the team thanks you for another good year of working together.\r\n" };
                Assert.Contains("Queued as", await client.SendAsync(message), StringComparison.Ordinal);
            }
        }

        // Read at once: the fingerprint committed with the message row, nobody opened the messages.
        using var api = await ApiAsync("fingerprints");
        var found = await api.GetFromJsonAsync<List<JsonElement>>($"/api/history?account={address}");
        Assert.Equal(2, found!.Count);
        var fingerprints = found.Select(m => m.GetProperty("fingerprint").GetString()).ToList();
        Assert.All(fingerprints, f => Assert.Matches("^[0-9a-f]{16}$", f));
        // The same template with another greeting's name is one fingerprint, so the history finds both by it.
        Assert.Equal(fingerprints[0], fingerprints[1]);
        Assert.Equal(2, (await api.GetFromJsonAsync<List<JsonElement>>($"/api/history?fingerprint={fingerprints[0]}"))!.Count);
    }

    [GeneratedRegex(@"^refused (\d+) attempts? while suspended \(at MAIL FROM, within 10 min\)$")]
    private static partial Regex TimelineText();

    [GeneratedRegex(@"(\d+) refused attempts \(suspended or throttled\)</title>")]
    private static partial Regex ChartRefused();
}
