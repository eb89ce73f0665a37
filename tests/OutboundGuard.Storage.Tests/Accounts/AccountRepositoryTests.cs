using System.Net;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Accounts;

[Collection(PostgresCollection.Name)]
public sealed class AccountRepositoryTests(PostgresFixture postgres)
{
    private static string UniqueAddress(string tenant) => $"user{Guid.NewGuid():N}"[..14] + "@" + tenant;

    [Fact]
    public async Task A_password_is_stored_as_an_argon2id_hash_and_verifies()
    {
        var accounts = new AccountRepository(postgres.DataSource);
        var address = UniqueAddress("hash.example");

        var created = await accounts.AddAsync(address, "hash.example", "correct horse", "test");

        Assert.StartsWith("$argon2id$v=19$", created.PasswordHash, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse", created.PasswordHash!, StringComparison.Ordinal);
        Assert.NotNull(await accounts.VerifyPasswordAsync(address, "correct horse"));
        Assert.Null(await accounts.VerifyPasswordAsync(address, "wrong horse"));
        Assert.Null(await accounts.VerifyPasswordAsync("nobody@hash.example", "correct horse"));
    }

    [Fact]
    public async Task Adding_the_same_address_twice_is_a_clear_error()
    {
        var accounts = new AccountRepository(postgres.DataSource);
        var address = UniqueAddress("dup.example");
        await accounts.AddAsync(address, "dup.example", "pw", "test");

        var error = await Assert.ThrowsAsync<DuplicateAccountException>(() => accounts.AddAsync(address.ToUpperInvariant(), "dup.example", "pw", "test"));

        Assert.Contains(address, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_change_writes_history_and_audit_in_one_go()
    {
        var accounts = new AccountRepository(postgres.DataSource);
        var address = UniqueAddress("state.example");
        var account = await accounts.AddAsync(address, "state.example", "pw", "test");

        Assert.True(await accounts.SetStateAsync(account.Id, AccountState.Suspended, "61 messages in 1 min, limit 30", "policy"));

        var reloaded = await accounts.FindAsync(address);
        Assert.Equal(AccountState.Suspended, reloaded!.StateValue);
        Assert.Equal("61 messages in 1 min, limit 30", reloaded.StateReason);
        var history = await accounts.HistoryAsync(account.Id);
        Assert.Equal(("active", "suspended", "policy"), (history[0].FromState, history[0].ToState, history[0].Actor));
        var audit = await new AuditLogRepository(postgres.DataSource).ListAsync(address);
        Assert.Contains(audit, e => e.Action == "account.suspended" && e.Reason == "61 messages in 1 min, limit 30");
        Assert.False(await accounts.SetStateAsync(-1, AccountState.Active, "none", "test"));
    }

    [Fact]
    public async Task A_connector_range_maps_a_client_address_to_its_tenant()
    {
        var tenants = new TenantRepository(postgres.DataSource);
        await tenants.AddConnectorAsync("connector.example", "10.20.0.0/16");
        await tenants.AddConnectorAsync("narrow.example", "10.20.30.40");

        Assert.Equal("narrow.example", (await tenants.FindByClientAddressAsync(IPAddress.Parse("10.20.30.40")))!.Domain);
        Assert.Equal("connector.example", (await tenants.FindByClientAddressAsync(IPAddress.Parse("10.20.1.1")))!.Domain);
        Assert.Null(await tenants.FindByClientAddressAsync(IPAddress.Parse("192.0.2.1")));
        Assert.Throws<FormatException>(() => tenants.AddConnectorAsync("bad.example", "not-an-ip").GetAwaiter().GetResult());
    }

    [Fact]
    public void An_address_without_a_domain_is_refused_with_a_clear_message()
    {
        var error = Assert.Throws<ArgumentException>(() => AccountRepository.NormalizeAddress("alice"));
        Assert.Contains("local@domain", error.Message, StringComparison.Ordinal);
    }
}
