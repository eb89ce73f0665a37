using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace OutboundGuard.Scoring.Dns;

/// <summary>
/// <see cref="IDnsBlocklistResolver"/> over DnsClient: A-record queries against the configured zones, a
/// listing being any answer in 127.0.0.0/8 (127.255.255.x answers are the lists' error codes and ignored),
/// cached for <see cref="DnsBlocklistOptions.CacheDuration"/> by the <see cref="TimeProvider"/>, all lookups of a
/// message bounded by <see cref="DnsBlocklistOptions.Timeout"/>.
/// </summary>
public sealed class DnsBlocklistResolver : IDnsBlocklistResolver
{
    private readonly ILookupClient _client;
    private readonly DnsBlocklistOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string? Zone, DateTimeOffset Expires)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public DnsBlocklistResolver(DnsBlocklistOptions options, TimeProvider timeProvider, ILookupClient? client = null)
    {
        _options = options;
        _time = timeProvider;
        _client = client ?? new LookupClient(new LookupClientOptions { Timeout = options.Timeout, Retries = 0, UseCache = false, ThrowDnsErrors = false });
    }

    public async ValueTask<IReadOnlyDictionary<string, string>> LookupAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        DateTimeOffset now = _time.GetUtcNow();
        var pending = new List<Task>();
        foreach (string d in domains.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!_cache.TryGetValue(d, out var cached) || cached.Expires <= now)
            {
                pending.Add(ResolveAsync(d, linked.Token));
            }
        }

        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: what did not answer counts as not listed.
        }

        return LookupCached(domains);
    }

    public IReadOnlyDictionary<string, string> LookupCached(IReadOnlyCollection<string> domains)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var listed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string d in domains)
        {
            if (_cache.TryGetValue(d, out var entry) && entry.Expires > now && entry.Zone is not null)
            {
                listed[d] = entry.Zone;
            }
        }

        return listed;
    }

    private async Task ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        bool isIp = IPAddress.TryParse(domain, out IPAddress? ip);
        if (isIp && ip!.AddressFamily != AddressFamily.InterNetwork)
        {
            return; // IPv6 DNSBL queries use nibble format and few lists serve them; not asked.
        }

        IEnumerable<string> zones = isIp ? _options.IpZones : _options.DomainZones;
        string prefix = isIp ? string.Join('.', ip!.GetAddressBytes().Reverse()) : domain.TrimEnd('.');
        string? listedBy = null;
        foreach (string zone in zones)
        {
            IDnsQueryResponse response = await _client.QueryAsync($"{prefix}.{zone}", QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            if (response.Answers.ARecords().Any(a => a.Address.GetAddressBytes() is [127, var b, _, _] && b != 255))
            {
                listedBy = zone;
                break;
            }
        }

        if (_cache.Count >= _options.MaxCacheEntries)
        {
            Trim();
        }

        _cache[domain] = (listedBy, _time.GetUtcNow() + _options.CacheDuration);
    }

    private void Trim()
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach (var kv in _cache.Where(kv => kv.Value.Expires <= now).ToList())
        {
            _cache.TryRemove(kv.Key, out _);
        }

        if (_cache.Count >= _options.MaxCacheEntries)
        {
            foreach (var kv in _cache.OrderBy(kv => kv.Value.Expires).Take(_cache.Count / 2).ToList())
            {
                _cache.TryRemove(kv.Key, out _);
            }
        }
    }
}
