using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.UrlLists;

namespace OutboundGuard.Admin.Lists;

/// <summary>
/// The URL lists ops keep in PostgreSQL. An added or removed entry is announced in its own transaction
/// (<see cref="UrlListRepository"/>), and every node's scoring reloads its lists from the table (the configured
/// lists plus the stored ones); Admin never touches the detector's lists itself.
/// </summary>
public sealed class UrlListService(UrlListRepository repository, CampaignFingerprintRepository announcements)
{
    /// <summary>Asks every node to reload its URL lists now; returns the stored entries (blocked, allowed) they reload.</summary>
    public async Task<(int Blocked, int Allowed)> RefreshAsync(CancellationToken cancellationToken)
    {
        var rows = await repository.ListAsync(cancellationToken: cancellationToken);
        await announcements.AnnounceAsync(ListsChange.Urls, cancellationToken);
        var blocked = rows.Count(r => r.List == UrlListRepository.Block);
        return (blocked, rows.Count - blocked);
    }
}
