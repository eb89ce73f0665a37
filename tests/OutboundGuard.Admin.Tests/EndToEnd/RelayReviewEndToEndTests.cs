using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Admin.Tests.EndToEnd;

/// <summary>
/// The review surface on a real <c>outboundguard serve</c>: an account driven over its rate limit with
/// MailKit is suspended by the relay, the alert webhook hears it, an API key made with the CLI reads the
/// evidence, and one review decision puts the account back.
/// </summary>
public sealed class RelayReviewEndToEndTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "og-admin-e2e-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly int _smtpPort = FreePort.Next();
    private readonly int _httpPort = FreePort.Next();
    private PostfixSmtpSink _sink = null!;
    private WebhookReceiver _webhook = null!;
    private RelayProcess _relay = null!;

    public async Task InitializeAsync()
    {
        _sink = await PostfixSmtpSink.StartAsync();
        _webhook = await WebhookReceiver.StartAsync(failures: 0);
        _relay = RelayProcess.Start(
            ["serve", "--smtp", $"127.0.0.1:{_smtpPort}", "--http", $"127.0.0.1:{_httpPort}", "--smarthost", $"127.0.0.1:{_sink.Port}", "--data", _data],
            new Dictionary<string, string>
            {
                ["OutboundGuard__Admin__Alerts__WebhookUrl"] = _webhook.Url.ToString(),
                ["OutboundGuard__Admin__Alerts__InitialRetryDelay"] = "00:00:00.200",
            });
        await _relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _webhook.DisposeAsync();
        await _sink.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Task<(int ExitCode, string StdOut, string StdErr)> CliAsync(string? stdin, params string[] arguments) => RelayProcess.RunAsync([.. arguments, "--data", _data], stdin);

    [Fact]
    public async Task A_relay_suspension_is_alerted_shown_with_its_evidence_and_undone_by_one_review()
    {
        var address = $"burst{Guid.NewGuid():N}"[..13] + "@tenant.example";
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(0, (await CliAsync(password + "\n", "accounts", "add", address, "--password-stdin")).ExitCode);
        var created = await CliAsync(null, "apikeys", "create", "e2e", "--role", "operator");
        Assert.True(created.ExitCode == 0, created.StdErr);
        var key = created.StdOut.Trim();
        Assert.StartsWith("ogk_", key, StringComparison.Ordinal);

        using (var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 })
        {
            await client.ConnectAsync("127.0.0.1", _smtpPort, SecureSocketOptions.StartTls);
            await client.AuthenticateAsync(address, password);
            for (var i = 0; i < 200; i++)
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse(address));
                message.To.Add(MailboxAddress.Parse($"colleague{i}@partner{i % 40}.example"));
                message.Subject = $"Password expiry notice {i}";
                message.Body = new TextPart("plain") { Text = "Hello,\r\n\r\nyour mailbox password expires today. Verify your account at http://micros0ft-login.example/verify to keep access.\r\n" };
                try
                {
                    await client.SendAsync(message);
                }
                catch (SmtpCommandException e) when ((int)e.StatusCode == 550)
                {
                    break;
                }
                catch (SmtpCommandException)
                {
                    // 451 while throttled: keep sending, as a hijacked account's bot does.
                }
            }
        }

        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using (var detail = JsonDocument.Parse(await api.GetStringAsync($"/api/accounts/{address}")))
        {
            Assert.Equal("suspended", detail.RootElement.GetProperty("account").GetProperty("state").GetString());
            var evidence = detail.RootElement.GetProperty("timeline").EnumerateArray().SelectMany(t => t.GetProperty("evidence").EnumerateArray()).Select(e => e.GetString()!).ToList();
            Assert.Contains(evidence, t => t.Contains("imitates microsoft", StringComparison.Ordinal));
        }

        await Eventually.TrueAsync(() => Task.FromResult(_webhook.Received.Any(b => b.Contains("\"account.suspended\"", StringComparison.Ordinal) && b.Contains(address, StringComparison.Ordinal))), "the suspension webhook");

        var review = await api.PostAsJsonAsync($"/api/accounts/{address}/review", new { decision = "false_alarm", reason = "month-end mailing, confirmed by the customer" });
        review.EnsureSuccessStatusCode();
        Assert.Equal("active", (await review.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        var audit = await api.GetFromJsonAsync<List<JsonElement>>($"/api/audit?target={address}");
        Assert.Contains(audit!, e => e.GetProperty("action").GetString() == "account.review" && e.GetProperty("actor").GetString() == "apikey:e2e");
    }
}
