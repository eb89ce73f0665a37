using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OutboundGuard.Admin.Content;
using OutboundGuard.Cluster;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Complaints;
using OutboundGuard.Storage.Notifications;
using OutboundGuard.Storage.UrlLists;

namespace OutboundGuard.AdminScoring;

/// <summary>
/// The scoring side of what Admin does: the subscribers that apply its published commands (campaign blocks, URL lists,
/// complaint counts) to this node's scoring objects, and the message reading and content learning Admin asks of
/// scoring through its own interfaces. Needs the scoring objects (<c>CampaignTracker</c>, <c>UrlReputationOptions</c>,
/// <c>ComplaintLedger</c>, optionally <c>NaiveBayesModel</c>) and Admin's <c>FeedbackLoopOptions</c> registered.
/// </summary>
public static class AdminScoringRegistration
{
    public static IServiceCollection AddScoringForAdmin(this IServiceCollection services)
    {
        services.AddNotificationHub();
        services.TryAddSingleton<CampaignFingerprintRepository>();
        services.TryAddSingleton<UrlListRepository>();
        services.TryAddSingleton<ComplaintRepository>();
        services.AddSingleton<ScoringListsSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ScoringListsSync>());
        services.AddHostedService<ComplaintLedgerSync>();
        services.TryAddSingleton<IMessageContent, ScoringMessageContent>();
        services.TryAddSingleton<IContentLearning, ScoringContentLearning>();
        return services;
    }
}
