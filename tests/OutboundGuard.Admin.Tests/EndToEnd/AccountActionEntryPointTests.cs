using System.Net;
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
/// "Suspend" and "reinstate" mean one thing whoever asks: on a real <c>outboundguard serve</c> whose smarthost is
/// down (so accepted mail stays queued), an account is suspended by each entry point in turn (the scoring policy,
/// the CLI, the API and the web UI's form) and each leaves the same outcome: the state, one history row and one audit
/// entry naming the actor, every queued message moved to quarantine, the alert webhook told, and the next MAIL FROM
/// refused; reinstating through the CLI, the API and the UI likewise leaves the same outcome. Throttling (the policy,
/// the CLI, the API, the UI) leaves the state, one history row, one audit entry, the queued mail where it was, the alert
/// and a 451 at the next MAIL FROM; requiring a new password (the CLI, the API, the UI) leaves the flag, one audit entry
/// and a refused AUTH on the running server.
/// </summary>
public sealed class AccountActionEntryPointTests : IAsyncLifetime
{
    private const string UiUser = "equivalence-operator";
    private const string UiPassword = "plover-granite-47-harbour";

    private static readonly string[] Words =
    [
        "invoice", "delivery", "meeting", "tuesday", "warehouse", "pallet", "quote", "roof", "garden", "contract", "renewal", "schedule",
        "kitchen", "samples", "printer", "catalogue", "payment", "reminder", "workshop", "insurance", "tiles", "parcel", "courier", "budget",
    ];

    private readonly string _data = Path.Combine(Path.GetTempPath(), "og-actions-e2e-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly int _smtpPort = FreePort.Next();
    private readonly int _httpPort = FreePort.Next();
    private WebhookReceiver _webhook = null!;
    private RelayProcess _relay = null!;
    private HttpClient _api = null!;
    private SignInClient _ui = null!;

    public async Task InitializeAsync()
    {
        _webhook = await WebhookReceiver.StartAsync(failures: 0);
        // Nothing listens on the smarthost port: accepted mail stays queued (deferred) until an action moves it.
        _relay = RelayProcess.Start(
            ["serve", "--smtp", $"127.0.0.1:{_smtpPort}", "--http", $"127.0.0.1:{_httpPort}", "--smarthost", $"127.0.0.1:{FreePort.Next()}", "--data", _data],
            new Dictionary<string, string>
            {
                ["OutboundGuard__Admin__Alerts__WebhookUrl"] = _webhook.Url.ToString(),
                ["OutboundGuard__Admin__Alerts__InitialRetryDelay"] = "00:00:00.200",
            });
        await _relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(90));

        var key = await CliAsync(null, "apikeys", "create", "equivalence", "--role", "operator");
        Assert.True(key.ExitCode == 0, key.StdErr);
        _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}") };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.StdOut.Trim());

        var user = await CliAsync(UiPassword + "\n", "users", "add", UiUser, "--role", "operator", "--password-stdin");
        Assert.True(user.ExitCode == 0, user.StdErr);
        _ui = new SignInClient(new Uri($"http://127.0.0.1:{_httpPort}"), IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.Redirect, (await _ui.SignInAsync(UiUser, UiPassword)).StatusCode);
    }

    public async Task DisposeAsync()
    {
        _ui?.Dispose();
        _api?.Dispose();
        await _relay.DisposeAsync();
        await _webhook.DisposeAsync();
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

    /// <summary>What an action left behind, in the terms every entry point must agree on.</summary>
    private sealed record Outcome(string State, string HistoryTo, string HistoryActorKind, string AuditAction, string AuditActorKind, int AuditEntries, int Queued, int Quarantined, bool Alerted);

    private static string KindOf(string actor) => actor.Split(':')[0];

    private async Task<(string Address, string Password, int Accepted)> NewAccountWithQueuedMailAsync(string entryPoint)
    {
        var address = $"{entryPoint}-{Guid.NewGuid():N}"[..16] + "@equivalence.example";
        var password = "pw-" + Guid.NewGuid().ToString("N")[..16];
        var added = await CliAsync(password + "\n", "accounts", "add", address, "--password-stdin");
        Assert.True(added.ExitCode == 0, added.StdErr);
        using var client = await ConnectAsync(address, password);
        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync(Ordinary(address, i));
        }

        await client.DisconnectAsync(true);
        return (address, password, 3);
    }

    private async Task<SmtpClient> ConnectAsync(string address, string password)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", _smtpPort, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(address, password);
        return client;
    }

    private static MimeMessage Ordinary(string from, int i)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse($"buyer{i}@customer{i}.example"));
        message.Subject = $"Order {Guid.NewGuid().ToString("N")[..8]} dispatched";
        // Each account's own wording, as separate businesses write: the same text from a suspended sign-up is another matter.
        var words = Guid.NewGuid().ToByteArray().Select(b => Words[b % Words.Length]);
        message.Body = new TextPart("plain") { Text = $"Hello,\r\n\r\n{string.Join(' ', words)}.\r\n\r\nKind regards\r\n" };
        return message;
    }

    /// <summary>Sends phishing until the policy suspends the account (550), as a hijacked account's bot would; returns the messages accepted before.</summary>
    private async Task<int> SuspendByPolicyAsync(string address, string password)
    {
        var accepted = 0;
        using var client = await ConnectAsync(address, password);
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
                accepted++;
            }
            catch (SmtpCommandException e) when ((int)e.StatusCode == 550)
            {
                return accepted;
            }
            catch (SmtpCommandException)
            {
                // 451 while throttled: keep sending.
            }
        }

        Assert.Fail($"the policy did not suspend {address}");
        return accepted;
    }

    /// <summary>Sends ordinary mail at full speed until the policy throttles the account (451); returns the messages accepted before.</summary>
    private async Task<int> ThrottleByPolicyAsync(string address, string password)
    {
        var accepted = 0;
        using var client = await ConnectAsync(address, password);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await client.SendAsync(Ordinary(address, i));
                accepted++;
            }
            catch (SmtpCommandException e) when ((int)e.StatusCode == 451)
            {
                return accepted;
            }
        }

        Assert.Fail($"the policy did not throttle {address}");
        return accepted;
    }

    /// <summary>One action on an account through the CLI (<paramref name="cliVerb"/>), the API (<paramref name="apiAction"/>) or the web UI's form.</summary>
    private async Task ActThroughAsync(string entryPoint, string address, string reason, string cliVerb, string apiAction, object apiBody, string uiAction, params string[] cliOptions)
    {
        try
        {
            await ActAsync(entryPoint, address, reason, cliVerb, apiAction, apiBody, uiAction, cliOptions);
        }
        catch (HttpRequestException failed)
        {
            // A 500 says nothing by itself (safe by default); the server's own log says what went wrong.
            throw new Xunit.Sdk.XunitException($"{entryPoint} {cliVerb}: {failed.Message}\nthe server's error lines:\n{_relay.Errors()}");
        }
    }

    private async Task ActAsync(string entryPoint, string address, string reason, string cliVerb, string apiAction, object apiBody, string uiAction, string[] cliOptions)
    {
        switch (entryPoint)
        {
            case "cli":
                var cli = await CliAsync(null, ["accounts", cliVerb, address, "--reason", reason, .. cliOptions]);
                Assert.True(cli.ExitCode == 0, cli.StdErr);
                break;
            case "api":
                (await _api.PostAsJsonAsync($"/api/accounts/{Uri.EscapeDataString(address)}/{apiAction}", apiBody)).EnsureSuccessStatusCode();
                break;
            case "ui":
                await UiActionAsync(address, uiAction, reason);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(entryPoint), entryPoint, "cli, api or ui");
        }
    }

    private async Task UiActionAsync(string address, string action, string reason)
    {
        var reply = await _ui.PostFormAsync($"/accounts/{Uri.EscapeDataString(address)}", $"/accounts/{Uri.EscapeDataString(address)}/action",
            new Dictionary<string, string> { ["action"] = action, ["reason"] = reason });
        Assert.True(reply.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"UI {action}: {(int)reply.StatusCode}");
    }

    private async Task<Outcome> OutcomeAsync(string address, string toState, string alertKind)
    {
        using var detail = JsonDocument.Parse(await _api.GetStringAsync($"/api/accounts/{Uri.EscapeDataString(address)}"));
        var root = detail.RootElement;
        var changes = root.GetProperty("timeline").EnumerateArray()
            .Where(t => t.GetProperty("kind").GetString() == "state")
            .Select(t => t.GetProperty("text").GetString()!)
            .Where(t => t.Contains($" → {toState} by ", StringComparison.Ordinal))
            .ToList();
        var change = Assert.Single(changes);
        var historyActor = change[(change.IndexOf(" by ", StringComparison.Ordinal) + 4)..change.IndexOf(':', change.IndexOf(" by ", StringComparison.Ordinal))];
        var audit = await _api.GetFromJsonAsync<List<JsonElement>>($"/api/audit?target={Uri.EscapeDataString(address)}&action=account.{toState}");
        var entry = Assert.Single(audit!);
        var counts = root.GetProperty("messageCounts");
        int Count(string state) => counts.TryGetProperty(state, out var n) ? n.GetInt32() : 0;
        return new Outcome(
            root.GetProperty("account").GetProperty("state").GetString()!,
            toState,
            KindOf(historyActor),
            entry.GetProperty("action").GetString()!,
            KindOf(entry.GetProperty("actor").GetString()!),
            audit!.Count,
            Count("queued") + Count("deferred") + Count("delivering"),
            Count("quarantined"),
            alertKind.Length == 0 || _webhook.Received.Any(b => b.Contains($"\"{alertKind}\"", StringComparison.Ordinal) && b.Contains(address, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Suspend_and_reinstate_leave_the_same_outcome_through_every_entry_point()
    {
        const string reason = "confirmed compromise by the customer";
        var suspended = new Dictionary<string, (string Address, string Password, int Accepted)>();
        foreach (var entryPoint in new[] { "policy", "cli", "api", "ui" })
        {
            var (address, password, accepted) = await NewAccountWithQueuedMailAsync(entryPoint);
            if (entryPoint == "policy")
            {
                accepted += await SuspendByPolicyAsync(address, password);
            }
            else
            {
                await ActThroughAsync(entryPoint, address, reason, "suspend", "suspend", new { reason }, "suspend");
            }

            suspended[entryPoint] = (address, password, accepted);
        }

        var expectedActor = new Dictionary<string, string> { ["policy"] = "policy", ["cli"] = "cli", ["api"] = "apikey", ["ui"] = "user" };
        foreach (var (entryPoint, (address, password, accepted)) in suspended)
        {
            await Eventually.TrueAsync(() => Task.FromResult(_webhook.Received.Any(b => b.Contains("\"account.suspended\"", StringComparison.Ordinal) && b.Contains(address, StringComparison.Ordinal))), $"the suspension alert of the {entryPoint} account");
            var outcome = await OutcomeAsync(address, "suspended", "account.suspended");
            Assert.Equal(new Outcome("suspended", "suspended", expectedActor[entryPoint], "account.suspended", expectedActor[entryPoint], 1, 0, accepted, true), outcome);

            // The next message is refused at MAIL FROM, whoever suspended.
            using var client = await ConnectAsync(address, password);
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Ordinary(address, 9)));
            Assert.Equal(550, (int)refused.StatusCode);
        }

        // Reinstating: the CLI, the API and the UI (the policy reinstates only through probation and review).
        foreach (var entryPoint in new[] { "cli", "api", "ui" })
        {
            var (address, _, accepted) = suspended[entryPoint];
            const string reinstateReason = "new password set with the customer";
            await ActThroughAsync(entryPoint, address, reinstateReason, "reinstate", "reinstate", new { reason = reinstateReason }, "reinstate");

            // Held mail stays held for review whoever reinstates: releasing it is a decision of its own.
            var outcome = await OutcomeAsync(address, "active", "");
            Assert.Equal(new Outcome("active", "active", expectedActor[entryPoint], "account.active", expectedActor[entryPoint], 1, 0, accepted, true), outcome);
        }
    }

    [Fact]
    public async Task Throttle_leaves_the_same_outcome_through_every_entry_point()
    {
        const string reason = "unusual pace reported by the customer";
        var throttled = new Dictionary<string, (string Address, string Password, int Accepted)>();
        foreach (var entryPoint in new[] { "policy", "cli", "api", "ui" })
        {
            var (address, password, accepted) = await NewAccountWithQueuedMailAsync(entryPoint);
            if (entryPoint == "policy")
            {
                accepted += await ThrottleByPolicyAsync(address, password);
            }
            else
            {
                await ActThroughAsync(entryPoint, address, reason, "throttle", "throttle", new { reason, minutes = 15 }, "throttle", "--for", "00:15:00");
            }

            throttled[entryPoint] = (address, password, accepted);
        }

        var expectedActor = new Dictionary<string, string> { ["policy"] = "policy", ["cli"] = "cli", ["api"] = "apikey", ["ui"] = "user" };
        foreach (var (entryPoint, (address, password, accepted)) in throttled)
        {
            await Eventually.TrueAsync(() => Task.FromResult(_webhook.Received.Any(b => b.Contains("\"account.throttled\"", StringComparison.Ordinal) && b.Contains(address, StringComparison.Ordinal))), $"the throttle alert of the {entryPoint} account");
            var outcome = await OutcomeAsync(address, "throttled", "account.throttled");
            // A throttle holds nothing: the accepted mail stays queued for delivery.
            Assert.Equal(new Outcome("throttled", "throttled", expectedActor[entryPoint], "account.throttled", expectedActor[entryPoint], 1, accepted, 0, true), outcome);

            // The next message is deferred at MAIL FROM, whoever throttled.
            using var client = await ConnectAsync(address, password);
            var deferred = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Ordinary(address, 9)));
            Assert.Equal(451, (int)deferred.StatusCode);
        }
    }

    [Fact]
    public async Task Require_new_password_leaves_the_same_outcome_through_every_entry_point()
    {
        const string reason = "password seen in a phishing kit";
        var expectedActor = new Dictionary<string, string> { ["cli"] = "cli", ["api"] = "apikey", ["ui"] = "user" };
        foreach (var entryPoint in new[] { "cli", "api", "ui" })
        {
            var address = $"{entryPoint}-{Guid.NewGuid():N}"[..16] + "@equivalence.example";
            var password = "pw-" + Guid.NewGuid().ToString("N")[..16];
            var added = await CliAsync(password + "\n", "accounts", "add", address, "--password-stdin");
            Assert.True(added.ExitCode == 0, added.StdErr);
            // A successful AUTH first, so the running server remembers it: the refusal below shows it heard of the change.
            using (var before = await ConnectAsync(address, password))
            {
                await before.DisconnectAsync(true);
            }

            await ActThroughAsync(entryPoint, address, reason, "require-new-password", "credential-reset", new { reason }, "credential-reset");

            using var detail = JsonDocument.Parse(await _api.GetStringAsync($"/api/accounts/{Uri.EscapeDataString(address)}"));
            var account = detail.RootElement.GetProperty("account");
            Assert.Equal(("active", true), (account.GetProperty("state").GetString(), account.GetProperty("credentialResetRequired").GetBoolean()));
            var audit = await _api.GetFromJsonAsync<List<JsonElement>>($"/api/audit?target={Uri.EscapeDataString(address)}&action=account.credential_reset_required");
            var entry = Assert.Single(audit!);
            Assert.Equal((expectedActor[entryPoint], reason), (KindOf(entry.GetProperty("actor").GetString()!), entry.GetProperty("reason").GetString()));

            await Eventually.TrueAsync(async () =>
            {
                using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
                await client.ConnectAsync("127.0.0.1", _smtpPort, SecureSocketOptions.StartTls);
                try
                {
                    await client.AuthenticateAsync(address, password);
                    return false;
                }
                catch (AuthenticationException)
                {
                    return true;
                }
            }, $"AUTH refused after the {entryPoint} reset");
        }
    }
}
