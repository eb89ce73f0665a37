namespace OutboundGuard.Storage.Accounts;

/// <summary>
/// For a subscriber of account state changes: after each (re)connect, the accounts that changed since the previous
/// one, read from the table, so a change announced while the node was not listening is still applied. The first
/// call only sets the mark. Not thread-safe: one per subscriber, called from its resync.
/// </summary>
public sealed class AccountChangeCatchUp(AccountRepository accounts)
{
    /// <summary>Read back this far before the last mark, for a transaction that committed just after it. 5 s.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    private DateTimeOffset? _mark;

    /// <summary>The ids of the accounts changed since the last call (none on the first).</summary>
    public async Task<IReadOnlyList<long>> NextAsync(CancellationToken cancellationToken)
    {
        var (now, ids) = await accounts.ChangedSinceAsync(_mark - Overlap, cancellationToken);
        _mark = now;
        return ids;
    }
}
