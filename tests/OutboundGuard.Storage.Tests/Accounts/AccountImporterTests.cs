using System.Text.Json;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Import;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Security;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Accounts;

[Collection(PostgresCollection.Name)]
public sealed class AccountImporterTests(PostgresFixture postgres)
{
    private const string Sha512Hash = "{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1";

    private static string Tenant() => $"imp{Guid.NewGuid():N}"[..12] + ".example";

    private static ImportParseResult<AccountImportRow> Csv(string text) => AccountImportParser.Parse(text, ImportFormat.Csv, DateTimeOffset.UtcNow);

    [Fact]
    public async Task An_import_creates_accounts_with_their_age_limits_state_and_hash_and_a_rerun_changes_nothing()
    {
        var tenant = Tenant();
        var file = $"""
            address,tenant,created_at,state,password_hash,messages_per_minute,recipients_per_day,usual_messages_per_hour
            a@{tenant},,2020-01-02T03:04:05.1234567Z,,{Sha512Hash},20,500,4.5
            b@{tenant},provider.{tenant},,suspended,,,,
            c@other.{tenant},,,,,,,
            bad@@{tenant},,,,,,,
            """;
        var importer = new AccountImporter(postgres.DataSource);

        var first = await importer.ImportAsync(Csv(file), "accounts.csv", "test", batchSize: 2);
        var second = await importer.ImportAsync(Csv(file), "accounts.csv", "test", batchSize: 2);

        Assert.Equal("Imported 4 account(s): 3 created, 0 updated, 1 refused (0 unchanged)", first.Summary);
        Assert.Equal(3, first.TenantsCreated);
        Assert.Equal("Imported 4 account(s): 0 created, 0 updated, 1 refused (3 unchanged)", second.Summary);
        var accounts = new AccountRepository(postgres.DataSource);
        var a = (await accounts.FindAsync($"a@{tenant}"))!;
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560), a.CreatedAt);
        Assert.Equal((20, 500, 4.5, Sha512Hash), (a.LimitMessagesPerMinute, a.LimitRecipientsPerDay, a.UsualMessagesPerHour, a.PasswordHash));
        var b = (await accounts.FindAsync($"b@{tenant}"))!;
        Assert.Equal(("suspended", $"provider.{tenant}"), (b.State, b.Tenant));
        Assert.Equal("suspended", (await accounts.HistoryAsync(b.Id)).Single().ToState);
        var audit = (await new AuditLogRepository(postgres.DataSource).ListAsync("accounts.csv", 10)).Where(e => e.Action == AccountImporter.AuditAction).ToList();
        Assert.Equal(2, audit.Count);
        Assert.Equal(1, JsonDocument.Parse(audit[0].Details!).RootElement.GetProperty("refused").GetInt32());
    }

    [Fact]
    public async Task An_imported_hash_verifies_once_then_is_argon2id_and_a_rerun_does_not_bring_it_back()
    {
        var address = $"hash@{Tenant()}";
        var file = $"address,password_hash\n{address},{Sha512Hash}\n";
        var importer = new AccountImporter(postgres.DataSource);
        await importer.ImportAsync(Csv(file), "hash.csv", "test");
        var accounts = new AccountRepository(postgres.DataSource);

        Assert.Null(await accounts.VerifyPasswordAsync(address, "Hello world?"));
        Assert.NotNull(await accounts.VerifyPasswordAsync(address, "Hello world!"));
        var rehashed = (await accounts.FindAsync(address))!.PasswordHash!;
        Assert.StartsWith(PasswordHasher.CurrentPrefix, rehashed, StringComparison.Ordinal);
        Assert.NotNull(await accounts.VerifyPasswordAsync(address, "Hello world!"));

        var again = await importer.ImportAsync(Csv(file), "hash.csv", "test");

        Assert.Equal(1, again.Unchanged);
        Assert.Equal(rehashed, (await accounts.FindAsync(address))!.PasswordHash);
    }

    [Fact]
    public async Task A_check_writes_nothing_but_reports_what_an_import_would_do()
    {
        var tenant = Tenant();
        var file = $"address,created_at\nx@{tenant},2022-02-02\n";

        var report = await new AccountImporter(postgres.DataSource).ImportAsync(Csv(file), "check.csv", "test", check: true);

        Assert.Equal($"Checked 1 account(s): 1 to create, 0 to update, 0 refused (0 unchanged); nothing was written", report.Summary);
        Assert.Null(await new AccountRepository(postgres.DataSource).FindAsync($"x@{tenant}"));
        Assert.DoesNotContain(await new AuditLogRepository(postgres.DataSource).ListAsync("check.csv"), e => e.Action == AccountImporter.AuditAction);
    }

    [Fact]
    public async Task An_import_suspends_an_existing_account_but_never_reinstates_one()
    {
        var tenant = Tenant();
        var importer = new AccountImporter(postgres.DataSource);
        await importer.ImportAsync(Csv($"address\nu@{tenant}\n"), "s.csv", "test");

        var suspended = await importer.ImportAsync(Csv($"address,state\nu@{tenant},suspended\n"), "s.csv", "test");
        var reinstate = await importer.ImportAsync(Csv($"address,state\nu@{tenant},active\n"), "s.csv", "test");

        Assert.Equal(1, suspended.Updated);
        Assert.Equal(1, reinstate.Unchanged);
        Assert.Equal("suspended", (await new AccountRepository(postgres.DataSource).FindAsync($"u@{tenant}"))!.State);
    }
}
