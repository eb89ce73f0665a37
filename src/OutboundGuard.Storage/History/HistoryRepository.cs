using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.History;

/// <summary>Searches accepted mail (relayed, delivered, held, bounced) by account, tenant, sender, recipient, subject, fingerprint and time.</summary>
public sealed class HistoryRepository(NpgsqlDataSource dataSource)
{
    private const string SearchSql = """
        SELECT m.id, a.address AS account, t.domain AS tenant, m.envelope_from, m.recipients, m.subject, m.state, m.route,
               f.fingerprint, v.action, v.score, v.reason, m.received_at
        FROM messages m
        LEFT JOIN accounts a ON a.id = m.account_id
        LEFT JOIN tenants t ON t.id = a.tenant_id
        LEFT JOIN message_fingerprints f ON f.message_id = m.id
        LEFT JOIN LATERAL (SELECT action, score, reason FROM verdicts WHERE message_id = m.id ORDER BY id DESC LIMIT 1) v ON true
        WHERE (@account::text IS NULL OR a.address = @account)
          AND (@tenant::text IS NULL OR t.domain = @tenant)
          AND (@sender::text IS NULL OR lower(m.envelope_from) = @sender OR (left(@sender, 1) = '@' AND lower(m.envelope_from) LIKE '%' || @sender))
          AND (@recipient::text IS NULL OR EXISTS (SELECT 1 FROM unnest(m.recipients) r
                 WHERE lower(r) = @recipient OR (left(@recipient, 1) = '@' AND lower(r) LIKE '%' || @recipient)))
          AND (@subject::text IS NULL OR m.subject ILIKE '%' || @subject || '%')
          AND (@fingerprint::text IS NULL OR f.fingerprint = @fingerprint)
          AND (@state::text IS NULL OR m.state = @state)
          AND (@from::timestamptz IS NULL OR m.received_at >= @from)
          AND (@to::timestamptz IS NULL OR m.received_at < @to)
        ORDER BY m.received_at DESC
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<HistoryEntry>> SearchAsync(HistoryQuery query, CancellationToken cancellationToken = default)
    {
        static string? Lower(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim().ToLowerInvariant();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<HistoryEntry>(new CommandDefinition(SearchSql, new
        {
            account = Lower(query.Account),
            tenant = Lower(query.Tenant),
            sender = Lower(query.Sender),
            recipient = Lower(query.Recipient),
            subject = string.IsNullOrWhiteSpace(query.Subject) ? null : EscapeLike(query.Subject.Trim()),
            fingerprint = Lower(query.Fingerprint),
            state = Lower(query.State),
            from = query.From,
            to = query.To,
            limit = query.Limit,
        }, cancellationToken: cancellationToken))).AsList();
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
