using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Quarantine;

namespace OutboundGuard.Admin.Campaigns;

/// <summary>
/// Campaign fingerprints for ops: blocks and unblocks (stored, so they survive restarts and reach every node,
/// and applied to this node's <see cref="CampaignTracker"/> at once), fingerprints of held mail, and the list
/// of fingerprints seen with the accounts that sent them.
/// </summary>
public sealed class CampaignService(CampaignFingerprintRepository repository, TimeProvider time, CampaignTracker? tracker = null)
{
    /// <summary>Blocks a fingerprint for every account.</summary>
    /// <exception cref="FormatException">Not 16 hex digits.</exception>
    public async Task BlockAsync(string fingerprint, string reason, string actor, CancellationToken cancellationToken)
    {
        fingerprint = CampaignFingerprintRepository.Normalize(fingerprint);
        await repository.SetAsync(fingerprint, true, reason, actor, cancellationToken);
        tracker?.Block(fingerprint, reason);
    }

    /// <summary>Lifts a block.</summary>
    /// <exception cref="FormatException">Not 16 hex digits.</exception>
    public async Task UnblockAsync(string fingerprint, string reason, string actor, CancellationToken cancellationToken)
    {
        fingerprint = CampaignFingerprintRepository.Normalize(fingerprint);
        await repository.SetAsync(fingerprint, false, reason, actor, cancellationToken);
        tracker?.Unblock(fingerprint);
    }

    /// <summary>Lifts a block on this node's tracker only (one a suspension set in memory; nothing was stored).</summary>
    /// <summary>Lifts, on this node's tracker, every block that the account's suspension or throttle set (a false alarm).</summary>
    public IReadOnlyList<string> LiftBlocksCausedByOnNode(long accountId) => tracker?.LiftBlocksCausedBy(accountId) ?? [];

    /// <summary>Lifts a block on this node's tracker only (one a suspension set, never stored).</summary>
    public void UnblockOnNode(string fingerprint) => tracker?.Unblock(CampaignFingerprintRepository.Normalize(fingerprint));

    /// <summary>The held message's fingerprint (computed from the spool and remembered), or null for a short or unreadable body.</summary>
    public async Task<string?> FingerprintOfAsync(HeldMessage message, CancellationToken cancellationToken)
    {
        var parsed = await MessageReader.LoadAsync(message.SpoolPath, cancellationToken);
        if (parsed is null || MessageReader.Fingerprint(parsed) is not { } fingerprint)
        {
            return null;
        }

        await repository.RecordSightingAsync(message.Id, message.AccountId, fingerprint, cancellationToken);
        return fingerprint;
    }

    /// <summary>Fingerprints seen in the last <paramref name="window"/> (near-identical ones grouped) and every stored block, with the accounts involved.</summary>
    public async Task<IReadOnlyList<CampaignSummary>> ListAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var sightings = await repository.SightingsAsync(time.GetUtcNow() - window, cancellationToken: cancellationToken);
        var stored = await repository.ListAsync(cancellationToken);
        var groups = new List<(ulong Key, string Hex, List<FingerprintSighting> Seen)>();
        foreach (var s in sightings)
        {
            var value = Parse(s.Fingerprint);
            var group = groups.FirstOrDefault(g => BodyFingerprint.Distance(g.Key, value) <= BodyFingerprint.SameCampaignDistance);
            if (group.Seen is null)
            {
                groups.Add((value, s.Fingerprint, [s]));
            }
            else
            {
                group.Seen.Add(s);
            }
        }

        foreach (var b in stored.Where(b => !groups.Any(g => BodyFingerprint.Distance(g.Key, Parse(b.Fingerprint)) <= BodyFingerprint.SameCampaignDistance)))
        {
            groups.Add((Parse(b.Fingerprint), b.Fingerprint, []));
        }

        return [.. groups.Select(g =>
        {
            var block = stored.FirstOrDefault(b => BodyFingerprint.Distance(Parse(b.Fingerprint), g.Key) <= BodyFingerprint.SameCampaignDistance);
            return new CampaignSummary(
                g.Hex,
                block?.Status == "blocked",
                block?.Reason,
                g.Seen.Count,
                [.. g.Seen.Where(s => s.Address is not null).Select(s => s.Address!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                g.Seen.Select(s => s.Subject).FirstOrDefault(s => s is not null),
                g.Seen.Count == 0 ? null : g.Seen.Max(s => s.ReceivedAt));
        }).OrderByDescending(c => c.Accounts.Count).ThenByDescending(c => c.Messages)];
    }

    /// <summary>Applies every stored block and unblock to this node's tracker (at start and when another node changed them).</summary>
    public async Task<int> LoadIntoTrackerAsync(CancellationToken cancellationToken)
    {
        if (tracker is null)
        {
            return 0;
        }

        var stored = await repository.ListAsync(cancellationToken);
        foreach (var f in stored)
        {
            tracker.Unblock(f.Fingerprint);
            if (f.Status == "blocked")
            {
                tracker.Block(f.Fingerprint, f.Reason);
            }
        }

        return stored.Count(f => f.Status == "blocked");
    }

    private static ulong Parse(string hex) => ulong.Parse(hex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
}
