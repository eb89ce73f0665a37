using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.Admin;

/// <summary>
/// Failed web UI sign-ins per user name and client address (<c>signin_failures</c>), shared by every node and the
/// CLI. The delay rule is the caller's; this stores the count and the time the next try may come.
/// </summary>
public sealed class SignInFailureRepository(NpgsqlDataSource dataSource)
{
    private const string FindSql = """
        SELECT user_name, client_address, failures, last_failure_at, blocked_until FROM signin_failures
        WHERE user_name = @userName AND client_address = @clientAddress
        """;

    /// <summary>The failures of this name from this address, or null when there are none.</summary>
    public async Task<SignInFailure?> FindAsync(string userName, string clientAddress, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SignInFailure>(new CommandDefinition(FindSql, new { userName = Key(userName), clientAddress }, cancellationToken: cancellationToken));
    }

    private const string CountSql = """
        INSERT INTO signin_failures AS f (user_name, client_address, failures, last_failure_at, blocked_until)
        VALUES (@userName, @clientAddress, 1, @now, @now)
        ON CONFLICT (user_name, client_address) DO UPDATE SET
            failures = CASE WHEN f.last_failure_at < @forgetBefore THEN 1 ELSE f.failures + 1 END,
            last_failure_at = @now
        RETURNING failures
        """;

    private const string BlockSql = "UPDATE signin_failures SET blocked_until = @until WHERE user_name = @userName AND client_address = @clientAddress";

    /// <summary>
    /// Counts one failure (the count restarts when the last one is older than <paramref name="forgetBefore"/>) and
    /// sets the next allowed try to <paramref name="now"/> plus <paramref name="delayFor"/>(failures), atomically.
    /// </summary>
    public async Task<SignInFailure> RecordFailureAsync(string userName, string clientAddress, DateTimeOffset now, DateTimeOffset forgetBefore, Func<int, TimeSpan> delayFor, CancellationToken cancellationToken = default)
    {
        var key = Key(userName);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var failures = await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountSql, new { userName = key, clientAddress, now, forgetBefore }, transaction, cancellationToken: cancellationToken));
        var until = now + delayFor(failures);
        await connection.ExecuteAsync(new CommandDefinition(BlockSql, new { userName = key, clientAddress, until }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new SignInFailure { UserName = key, ClientAddress = clientAddress, Failures = failures, LastFailureAt = now, BlockedUntil = until };
    }

    /// <summary>Forgets this name's failures from this address after a successful sign-in.</summary>
    public async Task ForgetAsync(string userName, string clientAddress, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM signin_failures WHERE user_name = @userName AND client_address = @clientAddress", new { userName = Key(userName), clientAddress }, cancellationToken: cancellationToken));
    }

    private const string ListSql = """
        SELECT user_name, client_address, failures, last_failure_at, blocked_until FROM signin_failures
        WHERE last_failure_at >= @since ORDER BY last_failure_at DESC LIMIT 1000
        """;

    /// <summary>Names and addresses with failures since <paramref name="since"/>, newest first (at most 1000).</summary>
    public async Task<IReadOnlyList<SignInFailure>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<SignInFailure>(new CommandDefinition(ListSql, new { since }, cancellationToken: cancellationToken))).AsList();
    }

    private const string ClearSql = """
        DELETE FROM signin_failures WHERE user_name = @userName AND (@clientAddress::text IS NULL OR client_address = @clientAddress)
        RETURNING client_address
        """;

    /// <summary>
    /// Clears the name's failures (from one address, or from all when <paramref name="clientAddress"/> is null), audited
    /// as <c>signin.clear</c>. Returns the addresses cleared; empty when there was nothing to clear (nothing audited).
    /// </summary>
    public async Task<IReadOnlyList<string>> ClearAsync(string userName, string? clientAddress, string actor, string reason, CancellationToken cancellationToken = default)
    {
        var key = Key(userName);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var cleared = (await connection.QueryAsync<string>(new CommandDefinition(ClearSql, new { userName = key, clientAddress }, transaction, cancellationToken: cancellationToken))).AsList();
        if (cleared.Count > 0)
        {
            await AuditLogRepository.AppendAsync(connection, transaction, actor, "signin.clear", key, reason, new { addresses = cleared }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return cleared;
    }

    /// <summary>Names are counted as typed, case-insensitively, so "Alice" and "alice" share one count.</summary>
    private static string Key(string userName) => userName.Trim().ToLowerInvariant();
}
