using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Capture;

/// <summary>
/// Reads an account's traffic around an incident for <c>outboundguard capture</c>: its spooled messages
/// (every state, quarantined included) and the verdicts of its refused messages, in a time window.
/// </summary>
public sealed class CaptureRepository(NpgsqlDataSource dataSource)
{
    private const string MessagesSql = """
        SELECT m.id, host(m.client_ip) AS client_ip, m.envelope_from, m.recipients, m.spool_path, m.state, m.received_at,
               (SELECT v.action FROM verdicts v WHERE v.message_id = m.id ORDER BY v.id LIMIT 1) AS action
        FROM messages m
        WHERE m.account_id = @accountId AND m.received_at >= @from AND m.received_at < @to
        ORDER BY m.received_at, m.id
        """;

    /// <summary>The account's spooled messages received in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public async Task<IReadOnlyList<CapturedMessage>> MessagesAsync(long accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CapturedMessage>(new CommandDefinition(MessagesSql, new { accountId, from, to }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private const string RefusalsSql = """
        SELECT id AS verdict_id, action, reason, envelope_from, recipient_count, subject, decided_at
        FROM verdicts
        WHERE account_id = @accountId AND message_id IS NULL AND decided_at >= @from AND decided_at < @to
        ORDER BY decided_at, id
        """;

    /// <summary>The verdicts of the account's refused messages decided in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public async Task<IReadOnlyList<CapturedRefusal>> RefusalsAsync(long accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CapturedRefusal>(new CommandDefinition(RefusalsSql, new { accountId, from, to }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
