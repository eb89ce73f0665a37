using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using OutboundGuard.Storage.Import;

namespace OutboundGuard.Storage.Accounts;

/// <summary>
/// Creates and updates accounts from import rows (upsert by address), in batched transactions on one connection
/// (<see cref="ImportBatches"/>):
/// each account's row, its tenant (created when missing) and its fields commit together with their batch, so no
/// account is ever half written. A re-run of the same rows changes nothing. A check runs the same statements and
/// rolls every batch back, so its counts are exactly what the import would do.
/// </summary>
public sealed class AccountImporter(NpgsqlDataSource dataSource)
{
    /// <summary>Accounts per transaction.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>The audit action of an import (one entry per run, with the counts).</summary>
    public const string AuditAction = "account.import";

    /// <summary>Imports (or with <paramref name="check"/>, only tries) the parsed rows and reports the counts, with the parser's refusals.</summary>
    /// <param name="parsed">The rows and refused lines from <see cref="AccountImportParser"/>.</param>
    /// <param name="source">The file name, kept in the audit entry.</param>
    /// <param name="actor">Who imports, for the audit log and the state history.</param>
    /// <param name="check">True to write nothing: every batch is rolled back and no audit entry is written.</param>
    /// <param name="progress">Told the number of rows done after each batch.</param>
    /// <param name="batchSize">Accounts per transaction.</param>
    /// <param name="cancellationToken">Stops between statements; the current batch is rolled back.</param>
    public async Task<AccountImportReport> ImportAsync(ImportParseResult<AccountImportRow> parsed, string source, string actor, bool check = false,
        IProgress<int>? progress = null, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        var counts = new Counts();
        await ImportBatches.RunAsync(dataSource, parsed.Rows, batchSize, check, progress,
            (connection, transaction, batch, token) => ImportBatchAsync(connection, transaction, batch, actor, counts, token),
            actor, AuditAction, source, () => new
            {
                file = source, created = counts.Created, updated = counts.Updated, unchanged = counts.Unchanged,
                refused = parsed.Refused, tenantsCreated = counts.TenantsCreated,
            },
            cancellationToken);

        return new AccountImportReport
        {
            Check = check,
            Created = counts.Created,
            Updated = counts.Updated,
            Unchanged = counts.Unchanged,
            TenantsCreated = counts.TenantsCreated,
            Refusals = parsed.Refusals,
        };
    }

    private sealed class Counts
    {
        public int Created { get; set; }

        public int Updated { get; set; }

        public int Unchanged { get; set; }

        public int TenantsCreated { get; set; }
    }

    private const string ExistingSql = """
        SELECT id, tenant_id, address, password_hash, imported_password_hash_sha256, state,
            limit_messages_per_minute, limit_messages_per_hour, limit_recipients_per_minute, limit_recipients_per_hour,
            limit_recipients_per_day, usual_messages_per_hour, created_at
        FROM accounts WHERE address = ANY(@addresses) FOR UPDATE
        """;

    private const string EnsureTenantsSql = """
        WITH wanted AS (SELECT DISTINCT unnest(@domains::text[]) AS domain),
        inserted AS (INSERT INTO tenants (domain) SELECT domain FROM wanted ON CONFLICT (domain) DO NOTHING RETURNING id, domain)
        SELECT id, domain, true AS created FROM inserted
        UNION ALL
        SELECT t.id, t.domain, false AS created FROM tenants t JOIN wanted w ON w.domain = t.domain
        """;

    // One statement per batch for the new accounts (the bulk of an onboarding): arrays, one element per account.
    private const string InsertSql = """
        INSERT INTO accounts (tenant_id, address, password_hash, imported_password_hash_sha256, state, state_reason,
            limit_messages_per_minute, limit_messages_per_hour, limit_recipients_per_minute, limit_recipients_per_hour,
            limit_recipients_per_day, usual_messages_per_hour, created_at)
        SELECT x.tenant_id, x.address, x.password_hash, x.digest, x.state, x.state_reason, x.mpm, x.mph, x.rpm, x.rph, x.rpd, x.usual,
            COALESCE(x.created_at, now())
        FROM unnest(@tenantIds::bigint[], @addresses::text[], @hashes::text[], @digests::bytea[], @states::text[], @reasons::text[],
            @mpm::int[], @mph::int[], @rpm::int[], @rph::int[], @rpd::int[], @usual::double precision[], @createdAt::timestamptz[])
            AS x(tenant_id, address, password_hash, digest, state, state_reason, mpm, mph, rpm, rph, rpd, usual, created_at)
        """;

    private const string NewSuspendedHistorySql = """
        INSERT INTO account_state_history (account_id, from_state, to_state, reason, actor)
        SELECT id, 'active', 'suspended', @reason, @actor FROM accounts WHERE address = ANY(@addresses)
        """;

    private const string UpdateSql = """
        UPDATE accounts SET tenant_id = @TenantId, password_hash = @PasswordHash, imported_password_hash_sha256 = @Digest,
            limit_messages_per_minute = @MessagesPerMinute, limit_messages_per_hour = @MessagesPerHour,
            limit_recipients_per_minute = @RecipientsPerMinute, limit_recipients_per_hour = @RecipientsPerHour,
            limit_recipients_per_day = @RecipientsPerDay, usual_messages_per_hour = @UsualMessagesPerHour,
            created_at = @CreatedAt, updated_at = now()
        WHERE id = @Id
        """;

    private const string SuspendSql = """
        UPDATE accounts SET state = 'suspended', state_reason = @reason, throttled_until = NULL, updated_at = now() WHERE id = @id
        """;

    private const string HistorySql = """
        INSERT INTO account_state_history (account_id, from_state, to_state, reason, actor) VALUES (@id, @from, 'suspended', @reason, @actor)
        """;

    private const string NotifySql = $"SELECT pg_notify('{AccountRepository.StateChannel}', @payload)";

    private const string SuspendedReason = "suspended in the imported file";

    private static async Task ImportBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<AccountImportRow> batch, string actor, Counts counts, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var existing = (await connection.QueryAsync<ExistingAccount>(new CommandDefinition(ExistingSql,
            new { addresses = batch.Select(r => r.Address).ToArray() }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(a => a.Address, StringComparer.Ordinal);

        var domains = batch.Select(r => existing.ContainsKey(r.Address) ? r.Tenant : r.TenantOrDomain).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var tenants = new Dictionary<string, long>(StringComparer.Ordinal);
        if (domains.Length > 0)
        {
            foreach (var tenant in await connection.QueryAsync<TenantId>(new CommandDefinition(EnsureTenantsSql, new { domains }, transaction, cancellationToken: cancellationToken)))
            {
                tenants[tenant.Domain] = tenant.Id;
                counts.TenantsCreated += tenant.Created ? 1 : 0;
            }
        }

        var created = new List<AccountImportRow>();
        foreach (var row in batch)
        {
            var digest = row.PasswordHash is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(row.PasswordHash));
            if (!existing.TryGetValue(row.Address, out var current))
            {
                created.Add(row);
                continue;
            }

            var wanted = new ExistingAccount
            {
                Id = current.Id,
                Address = current.Address,
                TenantId = row.Tenant is null ? current.TenantId : tenants[row.Tenant],
                PasswordHash = current.PasswordHash,
                ImportedPasswordHashSha256 = current.ImportedPasswordHashSha256,
                State = current.State,
                LimitMessagesPerMinute = row.MessagesPerMinute ?? current.LimitMessagesPerMinute,
                LimitMessagesPerHour = row.MessagesPerHour ?? current.LimitMessagesPerHour,
                LimitRecipientsPerMinute = row.RecipientsPerMinute ?? current.LimitRecipientsPerMinute,
                LimitRecipientsPerHour = row.RecipientsPerHour ?? current.LimitRecipientsPerHour,
                LimitRecipientsPerDay = row.RecipientsPerDay ?? current.LimitRecipientsPerDay,
                UsualMessagesPerHour = row.UsualMessagesPerHour ?? current.UsualMessagesPerHour,
                CreatedAt = row.CreatedAt ?? current.CreatedAt,
            };

            // The provider's hash replaces the stored one unless it is the one imported last time (since rehashed to
            // Argon2id at an AUTH) or the very same string.
            if (row.PasswordHash is not null && row.PasswordHash != current.PasswordHash
                && (current.ImportedPasswordHashSha256 is null || !digest!.AsSpan().SequenceEqual(current.ImportedPasswordHashSha256)))
            {
                wanted.PasswordHash = row.PasswordHash;
                wanted.ImportedPasswordHashSha256 = digest;
            }

            var suspend = row.State == "suspended" && current.State != "suspended";
            var fieldsChanged = !wanted.SameFields(current);
            if (fieldsChanged)
            {
                await connection.ExecuteAsync(new CommandDefinition(UpdateSql, new
                {
                    wanted.Id, wanted.TenantId, wanted.PasswordHash, Digest = wanted.ImportedPasswordHashSha256,
                    MessagesPerMinute = wanted.LimitMessagesPerMinute, MessagesPerHour = wanted.LimitMessagesPerHour,
                    RecipientsPerMinute = wanted.LimitRecipientsPerMinute, RecipientsPerHour = wanted.LimitRecipientsPerHour,
                    RecipientsPerDay = wanted.LimitRecipientsPerDay, wanted.UsualMessagesPerHour, wanted.CreatedAt,
                }, transaction, cancellationToken: cancellationToken));
            }

            if (suspend)
            {
                await connection.ExecuteAsync(new CommandDefinition(SuspendSql, new { id = current.Id, reason = SuspendedReason }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(HistorySql, new { id = current.Id, from = current.State, reason = SuspendedReason, actor }, transaction, cancellationToken: cancellationToken));
                // What a suspension does to mail not yet delivered, as everywhere else (AccountActions): it is held.
                await connection.ExecuteAsync(new CommandDefinition(AccountRepository.HoldQueuedSql, new { id = current.Id }, transaction, cancellationToken: cancellationToken));
            }

            if (fieldsChanged || suspend)
            {
                // Relay nodes reload the account's state and limits on this notice (delivered at commit).
                await connection.ExecuteAsync(new CommandDefinition(NotifySql, new { payload = current.Id.ToString(CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
                counts.Updated++;
            }
            else
            {
                counts.Unchanged++;
            }
        }

        if (created.Count > 0)
        {
            await InsertAsync(connection, transaction, created, tenants, actor, cancellationToken);
            counts.Created += created.Count;
        }
    }

    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<AccountImportRow> rows, Dictionary<string, long> tenants, string actor, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            tenantIds = rows.Select(r => tenants[r.TenantOrDomain]).ToArray(),
            addresses = rows.Select(r => r.Address).ToArray(),
            hashes = rows.Select(r => r.PasswordHash).ToArray(),
            digests = rows.Select(r => r.PasswordHash is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(r.PasswordHash))).ToArray(),
            states = rows.Select(r => r.State == "suspended" ? "suspended" : "active").ToArray(),
            reasons = rows.Select(r => r.State == "suspended" ? SuspendedReason : null).ToArray(),
            mpm = rows.Select(r => r.MessagesPerMinute).ToArray(),
            mph = rows.Select(r => r.MessagesPerHour).ToArray(),
            rpm = rows.Select(r => r.RecipientsPerMinute).ToArray(),
            rph = rows.Select(r => r.RecipientsPerHour).ToArray(),
            rpd = rows.Select(r => r.RecipientsPerDay).ToArray(),
            usual = rows.Select(r => r.UsualMessagesPerHour).ToArray(),
            createdAt = rows.Select(r => r.CreatedAt).ToArray(),
        }, transaction, cancellationToken: cancellationToken));

        var suspended = rows.Where(r => r.State == "suspended").Select(r => r.Address).ToArray();
        if (suspended.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(NewSuspendedHistorySql, new { addresses = suspended, reason = SuspendedReason, actor }, transaction, cancellationToken: cancellationToken));
        }
    }

    private sealed class TenantId
    {
        public long Id { get; set; }

        public string Domain { get; set; } = "";

        public bool Created { get; set; }
    }

    private sealed class ExistingAccount
    {
        public long Id { get; set; }

        public long TenantId { get; set; }

        public string Address { get; set; } = "";

        public string? PasswordHash { get; set; }

        public byte[]? ImportedPasswordHashSha256 { get; set; }

        public string State { get; set; } = "active";

        public int? LimitMessagesPerMinute { get; set; }

        public int? LimitMessagesPerHour { get; set; }

        public int? LimitRecipientsPerMinute { get; set; }

        public int? LimitRecipientsPerHour { get; set; }

        public int? LimitRecipientsPerDay { get; set; }

        public double? UsualMessagesPerHour { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public bool SameFields(ExistingAccount other) => TenantId == other.TenantId && PasswordHash == other.PasswordHash
            && LimitMessagesPerMinute == other.LimitMessagesPerMinute && LimitMessagesPerHour == other.LimitMessagesPerHour
            && LimitRecipientsPerMinute == other.LimitRecipientsPerMinute && LimitRecipientsPerHour == other.LimitRecipientsPerHour
            && LimitRecipientsPerDay == other.LimitRecipientsPerDay && UsualMessagesPerHour == other.UsualMessagesPerHour
            && CreatedAt == other.CreatedAt;
    }
}
