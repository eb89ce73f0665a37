using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Status;

/// <summary>Read-only figures for metrics and readiness: the oldest waiting message per route, accounts by state, a liveness query.</summary>
public sealed class StatusRepository(NpgsqlDataSource dataSource)
{
    private const string OldestByRouteSql = """
        SELECT route, extract(epoch FROM now() - min(received_at))::double precision
        FROM messages WHERE state IN ('queued', 'deferred', 'delivering')
        GROUP BY route
        """;

    /// <summary>Age of the oldest message waiting for delivery (queued, deferred or being delivered), per route that has one.</summary>
    public async Task<IReadOnlyDictionary<string, TimeSpan>> OldestWaitingByRouteAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Route, double Seconds)>(new CommandDefinition(OldestByRouteSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Route, r => TimeSpan.FromSeconds(Math.Max(0, r.Seconds)));
    }

    /// <summary>Number of accounts in each state ('active', 'throttled', 'suspended'); removed accounts (kept suspended under their tombstone address) are not counted.</summary>
    public async Task<IReadOnlyDictionary<string, long>> AccountsByStateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string State, long Count)>(new CommandDefinition("SELECT state, count(*) FROM accounts WHERE removed_at IS NULL GROUP BY state", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.State, r => r.Count);
    }

    /// <summary>Runs a trivial query; throws when PostgreSQL cannot be reached.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
