using Microsoft.Extensions.Configuration;
using OutboundGuard.Scoring.Urls;
using OutboundGuard.Storage.UrlLists;

namespace OutboundGuard.Admin.Lists;

/// <summary>
/// Keeps the URL reputation detector's lists equal to the configured lists (OutboundGuard:Scoring:Urls)
/// plus those ops keep in PostgreSQL. A refresh swaps in new sets, so a message being scored sees either the
/// old lists or the new ones, never a half-changed set.
/// </summary>
public sealed class UrlListService(UrlListRepository repository, IConfiguration configuration, UrlReputationOptions? live = null)
{
    private readonly UrlReputationOptions _configured = configuration.GetSection("OutboundGuard:Scoring:Urls").Get<UrlReputationOptions>() ?? new UrlReputationOptions();

    /// <summary>The options the detector reads, or null when this process scores no mail.</summary>
    public UrlReputationOptions? Live => live;

    /// <summary>Reloads the lists from PostgreSQL into the live options; returns (blocked, allowed) counts in force.</summary>
    public async Task<(int Blocked, int Allowed)> RefreshAsync(CancellationToken cancellationToken)
    {
        var rows = await repository.ListAsync(cancellationToken: cancellationToken);
        var block = new HashSet<string>(_configured.Blocklist, StringComparer.OrdinalIgnoreCase);
        var allow = new HashSet<string>(_configured.Allowlist, StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            (row.List == UrlListRepository.Block ? block : allow).Add(row.Domain);
        }

        if (live is not null)
        {
            live.Blocklist = block;
            live.Allowlist = allow;
        }

        return (block.Count, allow.Count);
    }
}
