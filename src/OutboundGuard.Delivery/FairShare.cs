using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery;

/// <summary>
/// The delivery queue's fair share of each claim: half of the batch (a batch of one every other claim) goes to the
/// oldest first attempt of accounts in turn, in account order from where the previous share stopped, so one account's
/// backlog (a newsletter of thousands) does not hold another account's message until the queue has worked through
/// it. The other half keeps the order of due time, so the backlog still moves. One instance per queue; the claim loop
/// is its only caller.
/// </summary>
public sealed class FairShare(bool enabled)
{
    private int _turn;
    private int _asked;

    /// <summary>Accounts the next claim of <paramref name="batch"/> rows takes a first attempt from; 0 when the fair share is off.</summary>
    public int Next(int batch)
    {
        _asked = enabled ? (batch + (_turn ^= 1)) / 2 : 0;
        return _asked;
    }

    /// <summary>The account id the next share starts after.</summary>
    public long After { get; private set; }

    /// <summary>
    /// Notes what the claim took: the next share starts after the last account this one reached, or from the first
    /// account again when it took fewer than it asked for (it reached the end).
    /// </summary>
    public void Note(IReadOnlyList<QueuedMessage> claimed)
    {
        if (_asked == 0)
        {
            return;
        }

        var taken = 0;
        var last = 0L;
        foreach (var message in claimed)
        {
            if (message.FairShare)
            {
                taken++;
                last = Math.Max(last, message.AccountId ?? 0);
            }
        }

        After = taken < _asked ? 0 : last;
    }
}
