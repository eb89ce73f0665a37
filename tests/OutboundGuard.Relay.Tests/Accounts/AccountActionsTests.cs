using System.Text.Json;
using Npgsql;
using OutboundGuard.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Relay.Tests.Accounts;

/// <summary>The one account-action core against a real PostgreSQL: what each action writes, holds and announces.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountActionsTests(PostgresFixture postgres)
{
    private sealed class RecordingObserver : IAccountChangeObserver
    {
        public List<long> Changed { get; } = [];

        public void AccountChanged(long accountId) => Changed.Add(accountId);
    }

    private async Task<AccountRecord> NewAccountAsync(int queued = 0)
    {
        var accounts = new AccountRepository(postgres.DataSource);
        var account = await accounts.AddAsync($"a{Guid.NewGuid():N}"[..12] + "@actions.example", "actions.example", null, "test");
        var messages = new SpooledMessageRepository(postgres.DataSource);
        for (var i = 0; i < queued; i++)
        {
            await messages.InsertAsync(new SpooledMessage
            {
                Id = Guid.NewGuid(), AccountId = account.Id, SessionId = "s" + i, ClientIp = "192.0.2.1", EnvelopeFrom = account.Address,
                Recipients = ["someone@example.org"], SizeOctets = 10, SpoolPath = "/nonexistent/" + i, Subject = "queued", State = i % 2 == 0 ? MessageState.Queued : MessageState.Deferred,
            });
        }

        return account;
    }

    /// <summary>A connection listening on the state channel, and the payloads it has heard.</summary>
    private async Task<(NpgsqlConnection Listener, List<string> Announced)> ListenAsync()
    {
        var listener = await postgres.DataSource.OpenConnectionAsync();
        var announced = new List<string>();
        listener.Notification += (_, e) => announced.Add(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {AccountRepository.StateChannel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        return (listener, announced);
    }

    [Fact]
    public async Task Suspend_holds_queued_and_deferred_mail_and_writes_state_history_audit_and_notification_together()
    {
        var account = await NewAccountAsync(queued: 3);
        var observer = new RecordingObserver();
        var actions = new AccountActions(new AccountRepository(postgres.DataSource), [observer]);
        var listening = await ListenAsync();
        await using var listener = listening.Listener;
        var announced = listening.Announced;

        var outcome = await actions.SuspendAsync(account.Id, "61 messages in 1 min, limit 30", "cli:ops");

        Assert.Equal((AccountState.Active, AccountState.Suspended, true, 3), (outcome!.From, outcome.To, outcome.Changed, outcome.HeldMessages));
        var counts = await new SpooledMessageRepository(postgres.DataSource).CountByStateAsync(account.Id);
        Assert.Equal(3, counts["quarantined"]);
        Assert.Single(counts);
        var history = await new AccountRepository(postgres.DataSource).HistoryAsync(account.Id);
        Assert.Equal(("active", "suspended", "cli:ops", "61 messages in 1 min, limit 30"), (history[0].FromState, history[0].ToState, history[0].Actor, history[0].Reason));
        var audit = Assert.Single(await new AuditLogRepository(postgres.DataSource).ListAsync(account.Address), e => e.Action == "account.suspended");
        using var details = JsonDocument.Parse(audit.Details!);
        Assert.Equal(3, details.RootElement.GetProperty("heldMessages").GetInt32());
        Assert.Equal([account.Id], observer.Changed);
        await listener.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains(account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), announced);
    }

    [Fact]
    public async Task Suspending_a_suspended_account_writes_no_second_history_row()
    {
        var account = await NewAccountAsync();
        var actions = new AccountActions(new AccountRepository(postgres.DataSource), []);
        await actions.SuspendAsync(account.Id, "first", "policy");

        var again = await actions.SuspendAsync(account.Id, "second", "user:ops");

        Assert.False(again!.Changed);
        Assert.Single(await new AccountRepository(postgres.DataSource).HistoryAsync(account.Id));
    }

    [Fact]
    public async Task Throttle_sets_the_cool_down_and_reinstate_clears_it()
    {
        var account = await NewAccountAsync(queued: 1);
        var accounts = new AccountRepository(postgres.DataSource);
        var actions = new AccountActions(accounts, []);
        var until = DateTimeOffset.UtcNow.AddMinutes(15);

        var throttled = await actions.ThrottleAsync(account.Id, until, "12 messages in 10 min, 6× this account's hourly baseline of 2", "policy");
        var afterThrottle = (await accounts.FindByIdAsync(account.Id))!;
        var reinstated = await actions.ReinstateAsync(account.Id, "checked with the customer", "user:ops");
        var afterReinstate = (await accounts.FindByIdAsync(account.Id))!;

        Assert.Equal((AccountState.Throttled, 0), (throttled!.To, throttled.HeldMessages));
        Assert.Equal(until.ToUnixTimeSeconds(), afterThrottle.ThrottledUntil!.Value.ToUnixTimeSeconds());
        Assert.Equal(1, (await new SpooledMessageRepository(postgres.DataSource).CountByStateAsync(account.Id))["queued"]);
        Assert.Equal((AccountState.Throttled, AccountState.Active, true), (reinstated!.From, reinstated.To, reinstated.Changed));
        Assert.Equal(AccountState.Active, afterReinstate.StateValue);
        Assert.Null(afterReinstate.ThrottledUntil);
    }

    [Fact]
    public async Task Reinstating_an_active_account_changes_nothing()
    {
        var account = await NewAccountAsync();
        var actions = new AccountActions(new AccountRepository(postgres.DataSource), []);

        var outcome = await actions.ReinstateAsync(account.Id, "just in case", "user:ops");

        Assert.False(outcome!.Changed);
        Assert.Empty(await new AccountRepository(postgres.DataSource).HistoryAsync(account.Id));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("password1234")]
    [InlineData("aaaaaaaaaaaaaaaa")]
    public async Task A_password_set_by_a_person_follows_the_one_password_rule(string weak)
    {
        var account = await NewAccountAsync();
        var actions = new AccountActions(new AccountRepository(postgres.DataSource), []);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => actions.SetPasswordAsync(account.Id, weak, "reset after hijack", "user:ops"));

        Assert.Contains("password", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(await actions.SetPasswordAsync(account.Id, "a sound passphrase 42", "reset after hijack", "user:ops"));
    }

    [Fact]
    public async Task Every_action_needs_a_reason_and_unknown_accounts_are_null()
    {
        var account = await NewAccountAsync();
        var actions = new AccountActions(new AccountRepository(postgres.DataSource), []);

        await Assert.ThrowsAsync<ArgumentException>(() => actions.SuspendAsync(account.Id, "  ", "user:ops"));
        Assert.Null(await actions.SuspendAsync(-1, "no such account", "user:ops"));
        Assert.False(await actions.RequireNewPasswordAsync(-1, "no such account", "user:ops"));
    }

    [Fact]
    public async Task Remove_holds_queued_mail_keeps_the_history_under_a_tombstone_frees_the_address_and_writes_one_audit_entry()
    {
        var account = await NewAccountAsync(queued: 2);
        var accounts = new AccountRepository(postgres.DataSource);
        var observer = new RecordingObserver();
        var actions = new AccountActions(accounts, [observer]);
        await actions.SuspendAsync(account.Id, "phishing burst", "policy");
        var listening = await ListenAsync();
        await using var listener = listening.Listener;
        var announced = listening.Announced;

        var removal = await actions.RemoveAsync(account.Id, "customer left", "user:ana");

        Assert.Equal((account.Address, $"{account.Address}#removed-{account.Id}"), (removal!.Address, removal.Tombstone));
        // Suspension held both messages already; nothing was left to hold.
        Assert.Equal(0, removal.HeldMessages);
        Assert.Equal(2, (await new SpooledMessageRepository(postgres.DataSource).CountByStateAsync(account.Id))["quarantined"]);
        Assert.Null(await accounts.FindAsync(account.Address));
        var kept = await accounts.FindAsync(removal.Tombstone);
        Assert.Equal((account.Id, AccountState.Suspended, null), (kept!.Id, kept.StateValue, kept.PasswordHash));
        Assert.DoesNotContain(await accounts.ListAsync(tenant: "actions.example"), a => a.Id == account.Id);
        var history = await accounts.HistoryAsync(account.Id);
        Assert.Equal(("suspended", "removed: customer left", "user:ana"), (history[0].ToState, history[0].Reason, history[0].Actor));
        Assert.Equal(2, history.Count);
        var audit = await new AuditLogRepository(postgres.DataSource).ListAsync(account.Address);
        Assert.Single(audit, e => e.Action == "account.remove" && e.Actor == "user:ana" && e.Reason == "customer left");
        Assert.Equal([account.Id, account.Id], observer.Changed);
        await listener.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains(account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), announced);

        // Removed once: a second removal finds nothing, and the address is free for a new account.
        Assert.Null(await actions.RemoveAsync(account.Id, "again", "user:ana"));
        var again = await accounts.AddAsync(account.Address, "actions.example", null, "test");
        Assert.NotEqual(account.Id, again.Id);
    }

    [Fact]
    public async Task Removing_an_active_account_holds_its_queued_and_deferred_mail()
    {
        var account = await NewAccountAsync(queued: 3);
        var removal = await new AccountActions(new AccountRepository(postgres.DataSource), []).RemoveAsync(account.Id, "duplicate account", "cli:ops");

        Assert.Equal(3, removal!.HeldMessages);
        var counts = await new SpooledMessageRepository(postgres.DataSource).CountByStateAsync(account.Id);
        Assert.Equal(3, counts["quarantined"]);
        Assert.Single(counts);
        await Assert.ThrowsAsync<ArgumentException>(() => new AccountActions(new AccountRepository(postgres.DataSource), []).RemoveAsync(account.Id, " ", "cli:ops"));
    }
}
