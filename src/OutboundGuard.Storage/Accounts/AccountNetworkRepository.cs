using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Accounts;

/// <summary>The client networks each account has authenticated from (table <c>account_networks</c>), shared by every node.</summary>
public sealed class AccountNetworkRepository(NpgsqlDataSource dataSource)
{
    private const string NoteSql = """
        WITH history AS (
            SELECT min(first_seen) AS since, bool_or(network = @Network) AS seen FROM account_networks WHERE account_id = @AccountId),
        noted AS (
            INSERT INTO account_networks AS n (account_id, network, first_seen, last_seen) VALUES (@AccountId, @Network, @At, @At)
            ON CONFLICT (account_id, network) DO UPDATE SET last_seen = greatest(n.last_seen, excluded.last_seen))
        SELECT since, coalesce(seen, false) FROM history
        """;

    /// <summary>
    /// Records that the account authenticated from <paramref name="network"/> at <paramref name="at"/> and returns what was
    /// known before: when the account's network history began (null: this is its first network) and whether this network
    /// was already in it.
    /// </summary>
    public async Task<(DateTimeOffset? HistorySince, bool Seen)> NoteAsync(long accountId, string network, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var (since, seen) = await connection.QuerySingleAsync<(DateTime?, bool)>(new CommandDefinition(NoteSql,
            new { AccountId = accountId, Network = network, At = at.UtcDateTime }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (since is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : null, seen);
    }

    /// <summary>The account's networks, oldest first (for ops and tests).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(long accountId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT network FROM account_networks WHERE account_id = @AccountId ORDER BY first_seen, network",
            new { AccountId = accountId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }
}
