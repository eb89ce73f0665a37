namespace OutboundGuard.Scoring.Tracking;

/// <summary>Counts that other relay nodes saw, merged into this node's windows.</summary>
public sealed partial class AccountActivityTracker
{
    /// <summary>
    /// Adds message attempts that another relay node counted for the account into the 1 min, 10 min, 1 h
    /// and 1 day windows, at <paramref name="at"/> (clamped to now). They do not teach the baseline or the
    /// clean history: the node that relayed them does that.
    /// </summary>
    public void RecordRemote(long accountId, DateTimeOffset at, int messages, int recipients)
    {
        if (messages <= 0 && recipients <= 0)
        {
            return;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (at > now)
        {
            at = now;
        }

        if (at <= now.AddDays(-1))
        {
            return;
        }

        AccountActivity a = Get(accountId, string.Empty, at);
        lock (a)
        {
            a.Evict(now);
            a.Minute.Add(at, messages, recipients, 0);
            a.TenMinutes.Add(at, messages, recipients, 0);
            a.Hour.Add(at, messages, recipients, 0);
            a.Day.Add(at, messages, recipients, 0);
        }
    }

    /// <summary>The account's messages and recipients in the last minute as this node sees them now (0, 0 when unknown).</summary>
    public (int Messages, int Recipients) LastMinute(long accountId)
    {
        if (!_accounts.TryGetValue(accountId, out AccountActivity? a))
        {
            return (0, 0);
        }

        DateTimeOffset now = _time.GetUtcNow();
        lock (a)
        {
            a.Minute.Evict(now);
            return (a.Minute.Messages, a.Minute.Recipients);
        }
    }
}
