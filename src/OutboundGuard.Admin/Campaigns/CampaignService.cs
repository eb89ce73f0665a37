using OutboundGuard.Admin.Quarantine;
using OutboundGuard.Admin.Content;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.Quarantine;

namespace OutboundGuard.Admin.Campaigns;

/// <summary>
/// Campaign fingerprints for ops: blocks and unblocks (stored, so they survive restarts, and announced, so every
/// node's scoring applies them, this one included), fingerprints of held mail, and the list of fingerprints seen
/// with the accounts that sent them. Never touches scoring's objects: it publishes commands.
/// </summary>
public sealed class CampaignService(CampaignFingerprintRepository repository, IMessageContent content, TimeProvider time)
{
    /// <summary>Blocks a fingerprint for every account.</summary>
    /// <exception cref="FormatException">Not 16 hex digits.</exception>
    public async Task BlockAsync(string fingerprint, string reason, string actor, CancellationToken cancellationToken)
    {
        fingerprint = CampaignFingerprintRepository.Normalize(fingerprint);
        await repository.SetAsync(fingerprint, true, reason, actor, cancellationToken);
    }

    /// <summary>Lifts a block.</summary>
    /// <exception cref="FormatException">Not 16 hex digits.</exception>
    public async Task UnblockAsync(string fingerprint, string reason, string actor, CancellationToken cancellationToken)
    {
        fingerprint = CampaignFingerprintRepository.Normalize(fingerprint);
        await repository.SetAsync(fingerprint, false, reason, actor, cancellationToken);
    }

    /// <summary>Asks every node to lift the in-memory blocks the account's suspension or throttle set (a false alarm).</summary>
    public Task FalseAlarmAsync(long accountId, CancellationToken cancellationToken)
        => repository.AnnounceAsync(new ListsChange(ListsChangeKind.FalseAlarm, AccountId: accountId), cancellationToken);

    /// <summary>Asks every node to lift an in-memory block (one a suspension set, never stored).</summary>
    /// <exception cref="FormatException">Not 16 hex digits.</exception>
    public Task UnblockInMemoryAsync(string fingerprint, CancellationToken cancellationToken)
        => repository.AnnounceAsync(new ListsChange(ListsChangeKind.Unblock, CampaignFingerprintRepository.Normalize(fingerprint)), cancellationToken);

    /// <summary>The held message's fingerprint (computed from the spool and remembered), or null for a short or unreadable body.</summary>
    public async Task<string?> FingerprintOfAsync(HeldMessage message, CancellationToken cancellationToken)
    {
        var parsed = await MessageReader.LoadAsync(message.SpoolPath, cancellationToken);
        if (parsed is null || content.Fingerprint(parsed) is not { } fingerprint)
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
        var groups = new List<(string Hex, List<FingerprintSighting> Seen)>();
        foreach (var s in sightings)
        {
            var group = groups.FirstOrDefault(g => content.SameCampaign(g.Hex, s.Fingerprint));
            if (group.Seen is null)
            {
                groups.Add((s.Fingerprint, [s]));
            }
            else
            {
                group.Seen.Add(s);
            }
        }

        foreach (var b in stored.Where(b => !groups.Any(g => content.SameCampaign(g.Hex, b.Fingerprint))))
        {
            groups.Add((b.Fingerprint, []));
        }

        return [.. groups.Select(g =>
        {
            var block = stored.FirstOrDefault(b => content.SameCampaign(b.Fingerprint, g.Hex));
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
}
