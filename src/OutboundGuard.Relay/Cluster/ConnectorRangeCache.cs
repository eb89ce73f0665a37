using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OutboundGuard.Storage.Tenants;

namespace OutboundGuard.Cluster;

/// <summary>
/// The tenants whose connector ranges hold a client address, kept in memory so that a new connection costs no query
/// (every connection asked PostgreSQL before, whether it then authenticated or not). Served only while
/// <see cref="ConnectorRangeListener"/> listens for changes: any announced change (connector ranges, tenant domains,
/// platform identities, from any node, the CLI included) drops every entry, and while not listening every look-up reads
/// the database. Entries also expire after <see cref="ClusterOptions.AccountCacheMaxAge"/>, as accounts do, and at most
/// <see cref="MaxEntries"/> addresses are held. Thread-safe.
/// </summary>
internal sealed class ConnectorRangeCache(ConnectorTenantRepository connectors, IOptions<ClusterOptions> options, TimeProvider time)
{
    /// <summary>Most client addresses held; past it all are dropped and the cache fills again (a flood from many addresses).</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Entry> _byAddress = new();
    private long _generation;
    private volatile bool _listening;

    /// <summary>True while changes are being received, i.e. while entries are served.</summary>
    public bool IsListening => _listening;

    /// <summary>Entries held now.</summary>
    public int Count => _byAddress.Count;

    /// <summary>Every tenant with a connector range holding <paramref name="address"/> (none when it is no connector).</summary>
    public async Task<IReadOnlyList<ConnectorTenant>> FindAsync(IPAddress address, CancellationToken cancellationToken)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var now = time.GetUtcNow();
        if (_listening && _byAddress.TryGetValue(address, out var entry) && now - entry.At < options.Value.AccountCacheMaxAge)
        {
            return entry.Tenants;
        }

        // A change announced while the query runs must win over what the query read.
        var generation = Interlocked.Read(ref _generation);
        var tenants = await connectors.FindByClientAddressAsync(address, cancellationToken);
        if (_listening && generation == Interlocked.Read(ref _generation))
        {
            if (_byAddress.Count >= MaxEntries)
            {
                _byAddress.Clear();
            }

            _byAddress[address] = new Entry(tenants, now);
        }

        return tenants;
    }

    /// <summary>Drops every entry: a connector range, tenant domain or platform identity changed somewhere.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref _generation);
        _byAddress.Clear();
    }

    /// <summary>Starts or stops serving from memory; either way, what was held is dropped.</summary>
    public void SetListening(bool listening)
    {
        Interlocked.Increment(ref _generation);
        _listening = listening;
        _byAddress.Clear();
    }

    private sealed record Entry(IReadOnlyList<ConnectorTenant> Tenants, DateTimeOffset At);
}
