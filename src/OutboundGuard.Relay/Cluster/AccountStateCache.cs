using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OutboundGuard.Accounts;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Cluster;

/// <summary>
/// Accounts as MAIL FROM needs them, kept in memory so a busy account does not cost a query per message.
/// Served only while <see cref="AccountStateListener"/> listens for state changes: an announced change (from
/// any node) drops the entry at once, and while not listening every look-up reads the database. Entries also
/// expire after <see cref="ClusterOptions.AccountCacheMaxAge"/>. Thread-safe.
/// </summary>
internal sealed class AccountStateCache(AccountRepository accounts, IOptions<ClusterOptions> options, TimeProvider time) : IAccountChangeObserver
{
    private readonly ConcurrentDictionary<string, Entry> _byAddress = new(StringComparer.Ordinal);
    private long _generation;
    private volatile bool _listening;

    /// <summary>True while state changes are being received, i.e. while entries are served.</summary>
    public bool IsListening => _listening;

    /// <summary>Entries held now.</summary>
    public int Count => _byAddress.Count;

    /// <summary>The account with this address, from memory when fresh, else from the database.</summary>
    public async Task<AccountRecord?> FindAsync(string address, CancellationToken cancellationToken)
    {
        var key = address.Trim().ToLowerInvariant();
        var now = time.GetUtcNow();
        if (_listening && _byAddress.TryGetValue(key, out var entry) && now - entry.At < options.Value.AccountCacheMaxAge)
        {
            return entry.Account;
        }

        // A change announced while the query runs must win over what the query read.
        var generation = Interlocked.Read(ref _generation);
        var account = await accounts.FindAsync(key, cancellationToken);
        if (account is not null && _listening && generation == Interlocked.Read(ref _generation))
        {
            _byAddress[key] = new Entry(account, now);
        }

        return account;
    }

    /// <inheritdoc />
    public void AccountChanged(long accountId) => Invalidate(accountId);

    /// <summary>Drops the account's entry (its state changed here or on another node).</summary>
    public void Invalidate(long accountId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, entry) in _byAddress)
        {
            if (entry.Account.Id == accountId)
            {
                _byAddress.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Starts or stops serving from memory; either way, what was held is dropped.</summary>
    public void SetListening(bool listening)
    {
        Interlocked.Increment(ref _generation);
        _listening = listening;
        _byAddress.Clear();
    }

    private sealed record Entry(AccountRecord Account, DateTimeOffset At);
}
