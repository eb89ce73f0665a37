namespace OutboundGuard.Scoring.Dns;

/// <summary>
/// Asks DNS blocklists (URIBL/DBL for domains, DNSBL for IP literals) about link domains. The pipeline calls
/// it before the detectors run, so detectors stay pure; answers are cached.
/// </summary>
public interface IDnsBlocklistResolver
{
    /// <summary>
    /// Looks up each domain or IP literal; returns those listed, with the zone that listed them. A lookup that
    /// times out or fails counts as not listed (fail open: DNS trouble must not stop mail).
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, string>> LookupAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken);

    /// <summary>Answers from the cache only (no network), for the synchronous scoring path.</summary>
    IReadOnlyDictionary<string, string> LookupCached(IReadOnlyCollection<string> domains);
}
