using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Api;

[Collection(PostgresCollection.Name)]
public sealed class AccountActionTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_account_shows_its_evidence_timeline_in_words()
    {
        var (account, held) = await Seed.SuspendedAccountAsync(_host);
        using var viewer = await _host.ClientAsync("viewer");

        using var detail = JsonDocument.Parse(await viewer.GetStringAsync($"/api/accounts/{account.Address}"));

        var root = detail.RootElement;
        Assert.Equal("suspended", root.GetProperty("account").GetProperty("state").GetString());
        var timeline = root.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Contains(timeline, t => t.GetProperty("kind").GetString() == "verdict" && t.GetProperty("evidence").EnumerateArray().Any(e => e.GetString()!.Contains(Seed.Evidence, StringComparison.Ordinal)));
        Assert.Contains(timeline, t => t.GetProperty("kind").GetString() == "state" && t.GetProperty("text").GetString()!.Contains("active → suspended by policy", StringComparison.Ordinal));
        Assert.Equal(held.Count, root.GetProperty("held").GetArrayLength());
    }

    [Fact]
    public async Task Suspend_and_reinstate_are_audited_with_who_and_why()
    {
        var account = await _host.Get<AccountRepository>().AddAsync($"a{Guid.NewGuid():N}"[..10] + "@audit.example", "audit.example", null, "test");
        using var op = await _host.ClientAsync("operator");
        var keyName = (await _host.Get<Storage.Admin.ApiKeyRepository>().ListAsync()).Single(k => k.Role == "operator").Name;

        (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/suspend", new { reason = "customer reported phishing" })).EnsureSuccessStatusCode();
        (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/reinstate", new { reason = "password changed with the customer" })).EnsureSuccessStatusCode();
        (await op.PutAsJsonAsync($"/api/accounts/{account.Address}/limits", new { messagesPerMinute = 10, reason = "new account, ramp up" })).EnsureSuccessStatusCode();
        (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/credential-reset", new { reason = "shared password" })).EnsureSuccessStatusCode();

        var entries = await op.GetFromJsonAsync<List<AuditEntry>>($"/api/audit?target={account.Address}");
        Assert.NotNull(entries);
        Assert.Contains(entries, e => e.Action == "account.suspended" && e.Actor == "apikey:" + keyName && e.Reason == "customer reported phishing");
        Assert.Contains(entries, e => e.Action == "account.active" && e.Actor == "apikey:" + keyName && e.Reason == "password changed with the customer");
        Assert.Contains(entries, e => e.Action == "account.limits" && e.Reason == "new account, ramp up");
        Assert.Contains(entries, e => e.Action == "account.credential_reset_required" && e.Reason == "shared password");
        var after = await _host.Get<AccountRepository>().FindAsync(account.Address);
        Assert.Equal(("active", 10, true), (after!.State, after.LimitMessagesPerMinute, after.CredentialResetRequired));
    }

    [Fact]
    public async Task Suspending_through_the_api_holds_queued_mail_exactly_as_the_policy_and_cli_do()
    {
        var accounts = _host.Get<AccountRepository>();
        var account = await accounts.AddAsync($"q{Guid.NewGuid():N}"[..10] + "@hold.example", "hold.example", null, "test");
        var messages = _host.Get<Storage.Spool.SpooledMessageRepository>();
        for (var i = 0; i < 2; i++)
        {
            var id = Guid.NewGuid();
            await messages.InsertAsync(new Storage.Spool.SpooledMessage
            {
                Id = id, AccountId = account.Id, SessionId = "s" + i, ClientIp = "192.0.2.10", EnvelopeFrom = account.Address, Recipients = ["someone@example.org"],
                SizeOctets = 10, SpoolPath = Path.Combine(_host.SpoolDirectory, id.ToString("N") + ".eml"), Subject = "queued", State = MessageState.Queued,
            });
        }

        using var op = await _host.ClientAsync("operator");
        (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/suspend", new { reason = "customer reported phishing" })).EnsureSuccessStatusCode();

        var counts = await messages.CountByStateAsync(account.Id);
        Assert.Equal(2, counts.GetValueOrDefault("quarantined"));
        Assert.False(counts.ContainsKey("queued"));
        var audit = await _host.Get<AuditLogRepository>().ListAsync(account.Address);
        var suspended = Assert.Single(audit, e => e.Action == "account.suspended");
        using var details = JsonDocument.Parse(suspended.Details!);
        Assert.Equal(2, details.RootElement.GetProperty("heldMessages").GetInt32());
    }

    [Theory]
    [InlineData("/api/accounts/{0}/review", """{"decision":"maybe","reason":"x"}""", "decision")]
    [InlineData("/api/accounts/{0}/review", """{"decision":"hijacked"}""", "reason")]
    [InlineData("/api/accounts/{0}/reinstate", """{"reason":"   "}""", "reason")]
    [InlineData("/api/accounts/{0}/suspend", """{}""", "reason")]
    [InlineData("/api/accounts", """{"address":"not an address","password":"long enough"}""", "address")]
    [InlineData("/api/quarantine/bulk", """{"ids":[],"action":"release","reason":"x"}""", "ids")]
    [InlineData("/api/quarantine/bulk", """{"ids":["8d1c3a9e-4d4e-4f59-9d0c-1f2e3a4b5c6d"],"action":"burn","reason":"x"}""", "action")]
    [InlineData("/api/url-lists/block", """{"domain":"not a domain!"}""", "domain")]
    [InlineData("/api/url-lists/grey", """{"domain":"example.com"}""", "list")]
    [InlineData("/api/campaigns/xyz/block", """{"reason":"spam run"}""", "fingerprint")]
    public async Task Bad_input_gets_400_with_problem_details_naming_the_field(string path, string body, string field)
    {
        var (account, _) = await Seed.SuspendedAccountAsync(_host, held: 0);
        using var admin = await _host.ClientAsync("admin");

        var response = await admin.PostAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, account.Address), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), $"no error for '{field}' in {problem.RootElement}");
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        Assert.Equal("suspended", (await _host.Get<AccountRepository>().FindAsync(account.Address))!.State);
    }

    [Fact]
    public async Task A_new_password_clears_the_credential_reset_a_hijack_review_required()
    {
        var (account, _) = await Seed.SuspendedAccountAsync(_host, held: 0);
        using var op = await _host.ClientAsync("operator");
        (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/review", new { decision = "hijacked", reason = "phished" })).EnsureSuccessStatusCode();
        Assert.True((await _host.Get<AccountRepository>().FindAsync(account.Address))!.CredentialResetRequired);

        var tooShort = await op.PostAsJsonAsync($"/api/accounts/{account.Address}/password", new { password = "short", reason = "new password" });
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        (await op.PostAsJsonAsync($"/api/accounts/{account.Address}/password", new { password = "a-brand-new-password", reason = "set with the owner on the phone" })).EnsureSuccessStatusCode();

        Assert.False((await _host.Get<AccountRepository>().FindAsync(account.Address))!.CredentialResetRequired);
        Assert.NotNull(await _host.Get<AccountRepository>().VerifyPasswordAsync(account.Address, "a-brand-new-password"));
        Assert.Contains(await _host.Get<AuditLogRepository>().ListAsync(account.Address), e => e.Action == "account.password" && e.Reason == "set with the owner on the phone");
    }

    [Fact]
    public async Task An_unknown_account_gets_404_problem_details()
    {
        using var op = await _host.ClientAsync("operator");
        var response = await op.PostAsJsonAsync("/api/accounts/nobody@nowhere.example/reinstate", new { reason = "x" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nobody@nowhere.example", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accounts_filter_by_state_and_tenant()
    {
        var (suspended, _) = await Seed.SuspendedAccountAsync(_host, held: 0);
        using var viewer = await _host.ClientAsync("viewer");
        var list = await viewer.GetFromJsonAsync<List<JsonElement>>("/api/accounts?state=suspended&tenant=tenant.example");
        Assert.Contains(list!, a => a.GetProperty("address").GetString() == suspended.Address);
        Assert.All(list!, a => Assert.Equal("suspended", a.GetProperty("state").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync("/api/accounts?state=asleep")).StatusCode);
    }
}
