using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Complaints;

/// <summary>Feedback-loop reports and the complaint counts per account and tenant that scoring weighs.</summary>
public sealed class ComplaintRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The channel on which a stored complaint that weighs (verified, its account known) is announced; payload: the account id.</summary>
    public const string CountsChannel = "outboundguard_complaints";

    private const string NotifySql = $"SELECT pg_notify('{CountsChannel}', @payload)";

    private const string InsertSql = """
        INSERT INTO complaints (door, received_from, source, verified, verification, feedback_type, message_id, account_id, tenant_id,
                                original_mail_from, arrival_date, reported_subject, size_octets)
        SELECT @door, @receivedFrom, @source, @verified, @verification, @feedbackType, @messageId, m.account_id, a.tenant_id,
               @originalMailFrom, @arrivalDate, @reportedSubject, @sizeOctets
        FROM (SELECT 1) one
        LEFT JOIN messages m ON m.id = @messageId
        LEFT JOIN accounts a ON a.id = m.account_id
        RETURNING id
        """;

    /// <summary>
    /// Stores a report, with the account and tenant of the reported message when the relay still has its row, and its
    /// audit entry (<c>complaint.receive</c>) in the same transaction, announced on <see cref="CountsChannel"/> when it weighs
    /// so every node reloads its counts. Returns the stored row.
    /// </summary>
    public async Task<ComplaintRecord> InsertAsync(NewComplaint complaint, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, complaint, transaction, cancellationToken: cancellationToken));
        var stored = await connection.QuerySingleAsync<ComplaintRecord>(new CommandDefinition(SelectSql + " WHERE c.id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        await Audit.AuditLogRepository.AppendAsync(connection, transaction, $"{complaint.Door}:{complaint.ReceivedFrom}", "complaint.receive",
            stored.Account ?? (complaint.MessageId is { } m ? m.ToString("N") : "unknown message"), stored.Verification,
            new { stored.Id, stored.FeedbackType, stored.Verified, stored.Source }, cancellationToken);
        if (stored.Verified && stored.AccountId is { } accountId)
        {
            await connection.ExecuteAsync(new CommandDefinition(NotifySql, new { payload = accountId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    private const string SelectSql = """
        SELECT c.id, c.received_at, c.door, c.received_from, c.source, c.verified, c.verification, c.feedback_type, c.message_id,
               c.account_id, a.address AS account, t.domain AS tenant, c.original_mail_from, c.arrival_date, c.reported_subject, c.size_octets
        FROM complaints c
        LEFT JOIN accounts a ON a.id = c.account_id
        LEFT JOIN tenants t ON t.id = c.tenant_id
        """;

    /// <summary>Reports received since <paramref name="since"/>, newest first, optionally of one account (by address).</summary>
    public async Task<IReadOnlyList<ComplaintRecord>> ListAsync(DateTimeOffset since, string? account, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ComplaintRecord>(new CommandDefinition(
            SelectSql + " WHERE c.received_at >= @since AND (@account::text IS NULL OR a.address = lower(@account)) ORDER BY c.received_at DESC, c.id DESC LIMIT @limit",
            new { since, account, limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    // Complaints count once per reported message (a provider may report a message twice), only 'abuse' and 'fraud'
    // reports (RFC 5965 §7.3: 'not-spam' is the opposite, 'virus' and 'other' are not about the sender's wanted mail).
    private const string CountsSql = """
        WITH complained AS (
            SELECT account_id, tenant_id, count(DISTINCT coalesce(message_id::text, id::text)) AS n
            FROM complaints
            WHERE verified AND account_id IS NOT NULL AND received_at >= @since AND feedback_type IN ('abuse', 'fraud')
            GROUP BY account_id, tenant_id),
        tenant_complained AS (
            SELECT tenant_id, sum(n)::int AS n FROM complained GROUP BY tenant_id)
        SELECT c.account_id, t.domain AS tenant, c.n::int AS account_complaints,
               (SELECT count(*) FROM messages m WHERE m.account_id = c.account_id AND m.received_at >= @since
                   AND m.state NOT IN ('quarantined', 'deleted')) AS account_messages,
               tc.n AS tenant_complaints,
               (SELECT count(*) FROM messages m JOIN accounts a ON a.id = m.account_id WHERE a.tenant_id = c.tenant_id
                   AND m.received_at >= @since AND m.state NOT IN ('quarantined', 'deleted')) AS tenant_messages
        FROM complained c
        JOIN tenants t ON t.id = c.tenant_id
        JOIN tenant_complained tc ON tc.tenant_id = c.tenant_id
        """;

    /// <summary>Every account with verified complaints since <paramref name="since"/>: its counts and its tenant's.</summary>
    public async Task<IReadOnlyList<ComplaintCounts>> CountsAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ComplaintCounts>(new CommandDefinition(CountsSql, new { since }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
