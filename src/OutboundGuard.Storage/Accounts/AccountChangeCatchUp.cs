namespace OutboundGuard.Storage.Accounts;

/// <summary>
/// For a subscriber of account state changes: after each (re)connect, the accounts that changed since the previous
/// one, read from the table, so a change announced while the node was not listening is still applied. The first
/// call reads back to when this catch-up was made (the subscriber's start, by the database's clock less the time
/// since): a change made after the subscriber started but before its first <c>LISTEN</c> was in force is not lost.
/// Each call is one statement, the first included. Not thread-safe: one per subscriber, called from its resync.
/// </summary>
public sealed class AccountChangeCatchUp(AccountRepository accounts)
{
    /// <summary>Read back this far before the last mark, for a transaction that committed just after it. 5 s.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    private readonly long _created = System.Diagnostics.Stopwatch.GetTimestamp();
    private DateTimeOffset? _mark;

    /// <summary>The ids of the accounts changed since the last call (on the first, since this catch-up was made).</summary>
    public async Task<IReadOnlyList<long>> NextAsync(CancellationToken cancellationToken)
    {
        var (now, ids) = _mark is { } mark
            ? await accounts.ChangedSinceAsync(mark - Overlap, cancellationToken)
            : await accounts.ChangedWithinAsync(System.Diagnostics.Stopwatch.GetElapsedTime(_created) + Overlap, cancellationToken);
        _mark = now;
        return ids;
    }
}
