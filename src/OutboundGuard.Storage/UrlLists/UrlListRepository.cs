using System.Globalization;
using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Campaigns;

namespace OutboundGuard.Storage.UrlLists;

/// <summary>The URL block list and allow list ops keep (registrable domains or IP literals), audited and announced to every node.</summary>
public sealed class UrlListRepository(NpgsqlDataSource dataSource)
{
    public const string Block = "block";
    public const string Allow = "allow";

    private static readonly IdnMapping Idn = new();

    private const string AddSql = """
        INSERT INTO url_lists (list, domain, reason, actor) VALUES (@list, @domain, @reason, @actor)
        ON CONFLICT (list, domain) DO UPDATE SET reason = EXCLUDED.reason, actor = EXCLUDED.actor
        """;

    /// <summary>Adds a domain to a list.</summary>
    /// <exception cref="ArgumentException">The list is not 'block' or 'allow', or the domain is not a host name.</exception>
    public async Task<string> AddAsync(string list, string domain, string? reason, string actor, CancellationToken cancellationToken = default)
    {
        list = CheckList(list);
        domain = NormalizeDomain(domain);
        await ChangeAsync(AddSql, list, domain, reason, actor, "add", cancellationToken);
        return domain;
    }

    private const string RemoveSql = "DELETE FROM url_lists WHERE list = @list AND domain = @domain";

    /// <summary>Removes a domain from a list; false when it was not on it.</summary>
    public async Task<bool> RemoveAsync(string list, string domain, string? reason, string actor, CancellationToken cancellationToken = default)
    {
        list = CheckList(list);
        domain = NormalizeDomain(domain);
        return await ChangeAsync(RemoveSql, list, domain, reason, actor, "remove", cancellationToken) > 0;
    }

    private async Task<int> ChangeAsync(string sql, string list, string domain, string? reason, string actor, string verb, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql, new { list, domain, reason, actor }, transaction, cancellationToken: cancellationToken));
        if (changed > 0)
        {
            await AuditLogRepository.AppendAsync(connection, transaction, actor, $"urllist.{list}.{verb}", domain, reason, null, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{CampaignFingerprintRepository.ListsChannel}', 'urls')", transaction: transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    private const string ListSql = "SELECT list, domain, reason, actor, created_at FROM url_lists WHERE (@list::text IS NULL OR list = @list) ORDER BY list, domain";

    public async Task<IReadOnlyList<UrlListEntry>> ListAsync(string? list = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<UrlListEntry>(new CommandDefinition(ListSql, new { list }, cancellationToken: cancellationToken))).AsList();
    }

    /// <exception cref="ArgumentException">Not 'block' or 'allow'.</exception>
    public static string CheckList(string list) => list.Trim().ToLowerInvariant() switch
    {
        Block => Block,
        Allow => Allow,
        _ => throw new ArgumentException($"Unknown list '{list}'; expected block or allow.", nameof(list)),
    };

    /// <summary>Lower-cases a domain (IDNs as their A-label) and checks it is a host name or an IP literal.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static string NormalizeDomain(string domain)
    {
        var d = domain.Trim().TrimEnd('.').ToLowerInvariant();
        if (System.Net.IPAddress.TryParse(d, out var ip))
        {
            return ip.ToString();
        }

        try
        {
            d = Idn.GetAscii(d);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"'{domain}' is not a domain name.", nameof(domain));
        }

        if (d.Length is 0 or > 253 || !d.Contains('.', StringComparison.Ordinal) || d.Split('.').Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-') || !l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            throw new ArgumentException($"'{domain}' is not a domain name.", nameof(domain));
        }

        return d;
    }
}
