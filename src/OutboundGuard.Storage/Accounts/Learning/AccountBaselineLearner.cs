using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.Accounts.Learning;

/// <summary>
/// Seeds known accounts' usual hourly volume from an existing MTA's logs (<c>accounts learn</c>), so that
/// established senders' rhythms are known on the first day: <c>usual_messages_per_hour</c> and
/// <c>usual_recipients_per_hour</c>, which scoring takes as the account's baseline until the node has learned its
/// own, and <c>created_at</c> moved back to the first logged message when that is earlier (the logs prove the
/// account's age). Users the logs name that are no account are reported, never created. One transaction, every
/// relay node told (<see cref="AccountRepository.StateChannel"/>), one audit entry.
/// </summary>
public sealed class AccountBaselineLearner(NpgsqlDataSource dataSource)
{
    /// <summary>The audit action of a learning run.</summary>
    public const string AuditAction = "account.learn";

    /// <summary>The outcome of a run: the accounts seeded and the users that are no account.</summary>
    public sealed record Report(bool Check, long Lines, long Messages, IReadOnlyList<LearnedBaseline> Learned, IReadOnlyList<LearnedBaseline> Unknown)
    {
        public string Summary => $"{(Check ? "Would learn" : "Learned")} the usual volume of {Learned.Count} account(s) from {Messages} message(s) in {Lines} log line(s); "
            + $"{Unknown.Count} user(s) in the logs are no account ({Unknown.Sum(u => u.Messages)} message(s)), not created";
    }

    private const string KnownSql = "SELECT address FROM accounts WHERE address = ANY(@addresses)";

    private const string UpdateSql = """
        UPDATE accounts a SET usual_messages_per_hour = x.mph, usual_recipients_per_hour = x.rph,
            created_at = LEAST(a.created_at, x.first), updated_at = now()
        FROM unnest(@addresses::text[], @mph::double precision[], @rph::double precision[], @first::timestamptz[]) AS x(address, mph, rph, first)
        WHERE a.address = x.address
        RETURNING a.id
        """;

    private const string NotifySql = $"SELECT pg_notify('{AccountRepository.StateChannel}', id::text) FROM unnest(@ids::bigint[]) AS id";

    /// <summary>Groups the logged messages by user and stores the known accounts' baselines (with <paramref name="check"/>, only reports).</summary>
    /// <param name="entries">The messages from <see cref="MailLogReader"/>.</param>
    /// <param name="lines">Log lines read, for the report.</param>
    /// <param name="sources">The log files, kept in the audit entry.</param>
    /// <param name="actor">Who runs it, for the audit log.</param>
    /// <param name="check">True to write nothing.</param>
    /// <param name="cancellationToken">Stops before the commit.</param>
    public async Task<Report> LearnAsync(IEnumerable<MailLogEntry> entries, long lines, IReadOnlyList<string> sources, string actor, bool check = false, CancellationToken cancellationToken = default)
    {
        var baselines = entries.GroupBy(e => e.User, StringComparer.Ordinal)
            .Select(g => LearnedBaseline.Of(g.Key, g.ToList())).OrderBy(b => b.User, StringComparer.Ordinal).ToList();
        var messages = baselines.Sum(b => (long)b.Messages);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var known = (await connection.QueryAsync<string>(new CommandDefinition(KnownSql, new { addresses = baselines.Select(b => b.User).ToArray() }, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
        var learned = baselines.Where(b => known.Contains(b.User)).ToList();
        var unknown = baselines.Where(b => !known.Contains(b.User)).ToList();
        var report = new Report(check, lines, messages, learned, unknown);
        if (check)
        {
            return report;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = (await connection.QueryAsync<long>(new CommandDefinition(UpdateSql, new
        {
            addresses = learned.Select(b => b.User).ToArray(),
            mph = learned.Select(b => b.MessagesPerHour).ToArray(),
            rph = learned.Select(b => b.RecipientsPerHour).ToArray(),
            first = learned.Select(b => b.First).ToArray(),
        }, transaction, cancellationToken: cancellationToken))).ToArray();
        // Relay nodes reload these accounts (and so their imported baseline) on this notice, delivered at commit.
        await connection.ExecuteAsync(new CommandDefinition(NotifySql, new { ids }, transaction, cancellationToken: cancellationToken));
        await AuditLogRepository.AppendAsync(connection, transaction, actor, AuditAction, string.Join(", ", sources), null, new
        {
            files = sources, lines, messages, learned = learned.Count, unknown = unknown.Count,
            unknownMessages = unknown.Sum(u => u.Messages),
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return report;
    }
}
