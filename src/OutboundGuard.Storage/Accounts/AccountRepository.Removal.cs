using Dapper;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.Accounts;

public sealed partial class AccountRepository
{
    private const string RemoveSql = """
        UPDATE accounts SET address = @tombstone, password_hash = NULL, imported_password_hash_sha256 = NULL, state = 'suspended',
               state_reason = @stateReason, throttled_until = NULL, removed_at = now(), updated_at = now()
        WHERE id = @id
        """;

    private const string LockLiveSql = "SELECT state, address FROM accounts WHERE id = @id AND removed_at IS NULL FOR UPDATE";

    /// <summary>The address a removed account's row keeps: no SMTP look-up matches it and the address is free again.</summary>
    public static string Tombstone(string address, long accountId) => FormattableString.Invariant($"{address}#removed-{accountId}");

    /// <summary>Whether <paramref name="address"/> is a removed account's (no mailbox holds a '#' after its domain).</summary>
    public static bool IsTombstone(string address) => address.Contains("#removed-", StringComparison.Ordinal);

    /// <summary>
    /// Removes an account in one transaction: its queued and deferred mail moves to quarantine, its row keeps its
    /// history, verdicts, messages and audit trail under <see cref="Tombstone"/> with no password and suspended, one
    /// history row and one audit entry (<c>account.remove</c>) are written, and the change is announced on
    /// <see cref="StateChannel"/> so every node forgets the account. Null when there is no such live account.
    /// </summary>
    public async Task<AccountRemoval?> RemoveAsync(long accountId, string reason, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<LockedAccount>(new CommandDefinition(LockLiveSql, new { id = accountId }, transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return null;
        }

        var held = await connection.ExecuteAsync(new CommandDefinition(HoldQueuedSql, new { id = accountId }, transaction, cancellationToken: cancellationToken));
        var tombstone = Tombstone(current.Address, accountId);
        var stateReason = "removed: " + reason;
        await connection.ExecuteAsync(new CommandDefinition(RemoveSql, new { id = accountId, tombstone, stateReason }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(HistorySql, new { id = accountId, from = current.State, to = "suspended", reason = stateReason, actor, verdictId = (long?)null }, transaction, cancellationToken: cancellationToken));
        await AuditLogRepository.AppendAsync(connection, transaction, actor, "account.remove", current.Address, reason,
            new { from = current.State, tombstone, heldMessages = held }, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{StateChannel}', @payload)", new { payload = accountId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new AccountRemoval(current.Address, tombstone, held);
    }
}
