using OutboundGuard.Admin.Campaigns;
using OutboundGuard.Storage.Quarantine;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Admin.Quarantine;

/// <summary>Releases and deletes held mail (spool files removed on deletion) for the API, the UI and review decisions.</summary>
public sealed class HeldMail(QuarantineRepository quarantine, CampaignService campaigns)
{
    /// <summary>Releases held messages to delivery; returns the ids released.</summary>
    public Task<IReadOnlyList<Guid>> ReleaseAsync(IReadOnlyCollection<Guid> ids, string actor, string reason, CancellationToken cancellationToken)
        => quarantine.ReleaseAsync(ids, actor, reason, cancellationToken);

    /// <summary>Deletes held messages (their fingerprints remembered first); returns the ids deleted.</summary>
    public async Task<IReadOnlyList<Guid>> DeleteAsync(IReadOnlyCollection<Guid> ids, string actor, string reason, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            if (await quarantine.FindAsync(id, cancellationToken) is { StateValue: MessageState.Quarantined } held)
            {
                await campaigns.FingerprintOfAsync(held, cancellationToken);
            }
        }

        var deleted = await quarantine.DeleteAsync(ids, actor, reason, cancellationToken);
        foreach (var (_, path) in deleted)
        {
            FileSpool.Delete(path);
        }

        if (deleted.Count > 0)
        {
            await quarantine.MarkSpoolRemovedAsync([.. deleted.Select(d => d.Id)], cancellationToken);
        }

        return [.. deleted.Select(d => d.Id)];
    }
}
