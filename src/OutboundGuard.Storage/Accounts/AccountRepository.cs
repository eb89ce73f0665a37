using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Security;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Storage.Accounts;

/// <summary>Sending accounts: creation, look-up, credentials, limits and state changes (each audited).</summary>
public sealed partial class AccountRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The LISTEN/NOTIFY channel on which every state change is announced (payload: account id).</summary>
    public const string StateChannel = "outboundguard_account_state";

    private const string SelectColumns = """
        a.id, a.tenant_id, t.domain AS tenant, a.address, a.password_hash, a.state, a.state_reason, a.throttled_until,
        a.credential_reset_required, a.limit_messages_per_minute, a.limit_messages_per_hour,
        a.limit_recipients_per_minute, a.limit_recipients_per_hour, a.limit_recipients_per_day, a.usual_messages_per_hour, a.usual_recipients_per_hour, a.created_at, a.updated_at
        """;

    private const string InsertSql = """
        INSERT INTO accounts (tenant_id, address, password_hash) VALUES (@tenantId, @address, @passwordHash)
        RETURNING id
        """;

    /// <summary>Creates an account in the tenant (created when missing). The password is stored as an Argon2id hash only.</summary>
    /// <exception cref="ArgumentException">The address is not a mailbox of the form local@domain.</exception>
    /// <exception cref="DuplicateAccountException">An account with this address exists.</exception>
    public async Task<AccountRecord> AddAsync(string address, string tenant, string? password, string actor, CancellationToken cancellationToken = default)
    {
        address = NormalizeAddress(address);
        var tenantRow = await new TenantRepository(dataSource).EnsureAsync(tenant, cancellationToken);
        var hash = password is null ? null : PasswordHasher.Hash(password);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, new { tenantId = tenantRow.Id, address, passwordHash = hash }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateAccountException(address);
        }

        await AuditLogRepository.AppendAsync(connection, transaction, actor, "account.create", address, null, new { tenant = tenantRow.Domain }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await FindAsync(address, cancellationToken))!;
    }

    private const string EnsureConnectorAccountSql = """
        INSERT INTO accounts (tenant_id, address) VALUES (@tenantId, @address)
        ON CONFLICT (address) DO NOTHING
        """;

    /// <summary>Returns the account, creating it without a password on first sight (connector mode).</summary>
    public async Task<AccountRecord> EnsureConnectorAccountAsync(string address, Tenant tenant, CancellationToken cancellationToken = default)
    {
        address = NormalizeAddress(address);
        var existing = await FindAsync(address, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EnsureConnectorAccountSql, new { tenantId = tenant.Id, address }, cancellationToken: cancellationToken));
        return (await FindAsync(address, cancellationToken))!;
    }

    private const string FindSql = $"SELECT {SelectColumns} FROM accounts a JOIN tenants t ON t.id = a.tenant_id WHERE a.address = @address";

    public async Task<AccountRecord?> FindAsync(string address, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AccountRecord>(new CommandDefinition(FindSql, new { address = address.Trim().ToLowerInvariant() }, cancellationToken: cancellationToken));
    }

    private const string FindByIdSql = $"SELECT {SelectColumns} FROM accounts a JOIN tenants t ON t.id = a.tenant_id WHERE a.id = @id";

    public async Task<AccountRecord?> FindByIdAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AccountRecord>(new CommandDefinition(FindByIdSql, new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The database's clock and the accounts changed since a time, or (without one) within an interval before that clock.</summary>
    private const string ChangedSinceSql = """
        SELECT now() AS now,
               ARRAY(SELECT id FROM accounts WHERE updated_at >= COALESCE(@since::timestamptz, now() - @back::interval) ORDER BY id) AS ids
        """;

    private sealed class ChangedAccounts
    {
        public DateTime Now { get; set; }

        public long[] Ids { get; set; } = [];
    }

    /// <summary>
    /// The database's clock, and the accounts whose state, limits or password changed at or after
    /// <paramref name="since"/>: what a node that was not listening may have missed. One statement.
    /// </summary>
    public Task<(DateTimeOffset Now, IReadOnlyList<long> Ids)> ChangedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
        => ChangedAsync(since.ToUniversalTime(), TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// The database's clock, and the accounts changed within <paramref name="back"/> before it (by the database's clock, so
    /// a node's own clock does not matter): what a subscriber that started that long ago may have missed. One statement.
    /// </summary>
    public Task<(DateTimeOffset Now, IReadOnlyList<long> Ids)> ChangedWithinAsync(TimeSpan back, CancellationToken cancellationToken = default)
        => ChangedAsync(null, back, cancellationToken);

    private async Task<(DateTimeOffset Now, IReadOnlyList<long> Ids)> ChangedAsync(DateTimeOffset? since, TimeSpan back, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var changed = await connection.QuerySingleAsync<ChangedAccounts>(new CommandDefinition(ChangedSinceSql, new { since, back }, cancellationToken: cancellationToken));
        return (new DateTimeOffset(DateTime.SpecifyKind(changed.Now, DateTimeKind.Utc)), changed.Ids);
    }

    private const string ListSql = $"""
        SELECT {SelectColumns} FROM accounts a JOIN tenants t ON t.id = a.tenant_id
        WHERE (@tenant::text IS NULL OR t.domain = @tenant) AND (@state::text IS NULL OR a.state = @state) AND a.removed_at IS NULL
        ORDER BY a.address
        LIMIT @limit
        """;

    /// <summary>Accounts, optionally of one tenant and in one state, ordered by address; removed accounts are left out.</summary>
    public async Task<IReadOnlyList<AccountRecord>> ListAsync(string? tenant = null, AccountState? state = null, int limit = 1000, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AccountRecord>(new CommandDefinition(ListSql,
            new { tenant = tenant is null ? null : TenantRepository.Normalize(tenant), state = state is null ? null : AccountStates.ToText(state.Value), limit },
            cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>
    /// Checks the account's password against its hash in any recognised format (<see cref="PasswordHashFormats"/>);
    /// an imported hash is replaced by an Argon2id one on success. Null for unknown accounts, accounts without a
    /// password and wrong passwords.
    /// </summary>
    public async Task<AccountRecord?> VerifyPasswordAsync(string address, string password, CancellationToken cancellationToken = default)
        => await VerifyPasswordAsync(await FindAsync(address, cancellationToken), password, cancellationToken);

    /// <summary>
    /// The same check for an account already read (e.g. from a node's account cache), or null for an unknown address;
    /// an unknown address costs the same work as a real check.
    /// </summary>
    public async Task<AccountRecord?> VerifyPasswordAsync(AccountRecord? account, string password, CancellationToken cancellationToken = default)
    {
        if (account?.PasswordHash is null)
        {
            // Spend the same work as a real check so that replies' timing does not reveal which accounts exist.
            PasswordHasher.Verify(password, DummyHash.Value);
            return null;
        }

        if (!PasswordHashFormats.Verify(password, account.PasswordHash))
        {
            return null;
        }

        if (PasswordHashFormats.NeedsRehash(account.PasswordHash))
        {
            // An imported hash (bcrypt, SHA-crypt, salted SHA, other Argon2 parameters) is replaced by the product's
            // own now that the password is known; only if nobody changed it meanwhile.
            var rehashed = PasswordHasher.Hash(password);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            if (await connection.ExecuteAsync(new CommandDefinition(RehashSql, new { id = account.Id, previous = account.PasswordHash, rehashed }, cancellationToken: cancellationToken)) == 1)
            {
                account.PasswordHash = rehashed;
            }
        }

        return account;
    }

    private const string RehashSql = "UPDATE accounts SET password_hash = @rehashed WHERE id = @id AND password_hash = @previous";

    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString()));

    private const string SetStateSql = """
        UPDATE accounts SET state = @to, state_reason = @reason, throttled_until = @throttledUntil, updated_at = now()
        WHERE id = @id
        """;

    private const string LockSql = "SELECT state, address FROM accounts WHERE id = @id FOR UPDATE";

    private const string HistorySql = """
        INSERT INTO account_state_history (account_id, from_state, to_state, reason, actor, verdict_id)
        VALUES (@id, @from, @to, @reason, @actor, @verdictId)
        """;

    /// <summary>Moves an account's queued, held and deferred mail to quarantine (parameter <c>@id</c>): what a suspension does to mail not yet delivered.</summary>
    internal const string HoldQueuedSql = """
        UPDATE messages SET state = 'quarantined', updated_at = now()
        WHERE account_id = @id AND state IN ('queued', 'held', 'deferred')
        """;

    /// <summary>
    /// Changes an account's state, writing the history row and the audit entry in the same transaction,
    /// then announcing the change on <see cref="StateChannel"/> so every relay node enforces it.
    /// Returns false when the account does not exist.
    /// </summary>
    public async Task<bool> SetStateAsync(long accountId, AccountState to, string reason, string actor, DateTimeOffset? throttledUntil = null, long? verdictId = null, CancellationToken cancellationToken = default)
        => await ChangeStateAsync(new AccountStateChangeRequest(accountId, to, reason, actor) { ThrottledUntil = throttledUntil, VerdictId = verdictId }, cancellationToken) is not null;

    /// <summary>
    /// Applies <paramref name="request"/> in one transaction: the state, the history row, the audit entry, the
    /// account's queued mail moved to quarantine when asked, and the announcement on <see cref="StateChannel"/>.
    /// Null when the account does not exist.
    /// </summary>
    public async Task<AccountStateChangeResult?> ChangeStateAsync(AccountStateChangeRequest request, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<LockedAccount>(new CommandDefinition(LockSql, new { id = request.AccountId }, transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return null;
        }

        var from = AccountStates.Parse(current.State);
        var toText = AccountStates.ToText(request.To);
        var changed = !(request.OnlyIfDifferent && from == request.To);
        if (changed)
        {
            var throttledUntil = request.To == AccountState.Throttled ? request.ThrottledUntil : null;
            await connection.ExecuteAsync(new CommandDefinition(SetStateSql, new { id = request.AccountId, to = toText, reason = request.Reason, throttledUntil }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(HistorySql, new { id = request.AccountId, from = current.State, to = toText, reason = request.Reason, actor = request.Actor, verdictId = request.VerdictId }, transaction, cancellationToken: cancellationToken));
        }

        var held = request.HoldQueuedMail
            ? await connection.ExecuteAsync(new CommandDefinition(HoldQueuedSql, new { id = request.AccountId }, transaction, cancellationToken: cancellationToken))
            : 0;
        if (changed || held > 0)
        {
            await AuditLogRepository.AppendAsync(connection, transaction, request.Actor, "account." + toText, current.Address, request.Reason,
                new { from = current.State, to = toText, request.VerdictId, heldMessages = held }, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{StateChannel}', @payload)", new { payload = request.AccountId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return new AccountStateChangeResult(current.Address, from, request.To, changed, held);
    }

    private const string SetLimitsSql = """
        UPDATE accounts SET limit_messages_per_minute = @MessagesPerMinute, limit_messages_per_hour = @MessagesPerHour,
            limit_recipients_per_minute = @RecipientsPerMinute, limit_recipients_per_hour = @RecipientsPerHour,
            limit_recipients_per_day = @RecipientsPerDay, updated_at = now()
        WHERE id = @id
        """;

    /// <summary>Sets the account's own limits (audited). Returns false when the account does not exist.</summary>
    public async Task<bool> SetLimitsAsync(long accountId, AccountLimitsUpdate limits, string actor, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(SetLimitsSql, new
        {
            id = accountId, limits.MessagesPerMinute, limits.MessagesPerHour, limits.RecipientsPerMinute, limits.RecipientsPerHour, limits.RecipientsPerDay,
        }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return false;
        }

        var address = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT address FROM accounts WHERE id = @id", new { id = accountId }, transaction, cancellationToken: cancellationToken));
        await AuditLogRepository.AppendAsync(connection, transaction, actor, "account.limits", address!, reason, limits, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{StateChannel}', @payload)", new { payload = accountId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private const string SetPasswordSql = "UPDATE accounts SET password_hash = @hash, credential_reset_required = false, updated_at = now() WHERE id = @id";

    /// <summary>
    /// Sets a new password (clearing a required credential reset), audited and announced on <see cref="StateChannel"/>.
    /// Returns false when the account does not exist.
    /// </summary>
    public async Task<bool> SetPasswordAsync(long accountId, string password, string actor, string reason, CancellationToken cancellationToken = default)
    {
        var hash = PasswordHasher.Hash(password);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(SetPasswordSql, new { id = accountId, hash }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
        {
            return false;
        }

        var address = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SELECT address FROM accounts WHERE id = @id", new { id = accountId }, transaction, cancellationToken: cancellationToken));
        await AuditLogRepository.AppendAsync(connection, transaction, actor, "account.password", address!, reason, null, cancellationToken);
        // Every node forgets its cached copy and remembered AUTH outcomes of the account, so the old password stops working at once.
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{StateChannel}', @payload)", new { payload = accountId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private const string HistoryListSql = """
        SELECT from_state, to_state, reason, actor, verdict_id, changed_at FROM account_state_history
        WHERE account_id = @id ORDER BY changed_at DESC, id DESC LIMIT @limit
        """;

    /// <summary>The account's latest state changes, newest first.</summary>
    public async Task<IReadOnlyList<AccountStateChange>> HistoryAsync(long accountId, int limit = 20, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AccountStateChange>(new CommandDefinition(HistoryListSql, new { id = accountId, limit }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Lower-cases and checks an address of the form local@domain.</summary>
    /// <exception cref="ArgumentException">It is not of that form.</exception>
    public static string NormalizeAddress(string address)
    {
        var trimmed = address.Trim().ToLowerInvariant();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || trimmed.Any(char.IsWhiteSpace) || trimmed.IndexOf('@') != at)
        {
            throw new ArgumentException($"'{address}' is not a mailbox address of the form local@domain.", nameof(address));
        }

        return trimmed;
    }

    private const string SetCredentialResetSql = "UPDATE accounts SET credential_reset_required = @required, updated_at = now() WHERE id = @id RETURNING address";

    /// <summary>
    /// Requires (or clears the requirement of) a new password before the account may send again, audited and
    /// announced on <see cref="StateChannel"/>. Returns false when the account does not exist.
    /// </summary>
    public async Task<bool> SetCredentialResetRequiredAsync(long accountId, bool required, string actor, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var address = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(SetCredentialResetSql, new { id = accountId, required }, transaction, cancellationToken: cancellationToken));
        if (address is null)
        {
            return false;
        }

        await AuditLogRepository.AppendAsync(connection, transaction, actor, required ? "account.credential_reset_required" : "account.credential_reset_cleared", address, reason, null, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{StateChannel}', @payload)", new { payload = accountId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private sealed class LockedAccount
    {
        public string State { get; set; } = "";
        public string Address { get; set; } = "";
    }
}
