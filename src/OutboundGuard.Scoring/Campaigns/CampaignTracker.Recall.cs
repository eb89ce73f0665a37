namespace OutboundGuard.Scoring.Campaigns;

public sealed partial class CampaignTracker
{
    /// <summary>
    /// What is known now of the campaign of <paramref name="fingerprint"/>: its block and its senders, read without
    /// recording anything, so a held message's rescan leaves the counts as they were. Null when no live cluster is near.
    /// </summary>
    public CampaignRecall? Recall(ulong fingerprint, DateTimeOffset now)
    {
        lock (_lock)
        {
            Cluster? c = Nearest(fingerprint, now.UtcTicks - _options.Retention.Ticks);
            string? blocked = c?.BlockedReason
                ?? _blocked.Where(b => BodyFingerprint.Distance(b.Fingerprint, fingerprint) <= BodyFingerprint.SameCampaignDistance).Select(b => b.Reason).FirstOrDefault();
            if (c is null)
            {
                return blocked is null ? null : new CampaignRecall(Hex(fingerprint), blocked, []);
            }

            return new CampaignRecall(Hex(c.Fingerprint), blocked, [.. c.Accounts.Keys]);
        }
    }
}
