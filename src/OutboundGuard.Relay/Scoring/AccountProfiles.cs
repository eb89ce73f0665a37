using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Relay;

/// <summary>What scoring needs of a stored account: the one mapping from Storage's row to Scoring's profile.</summary>
internal static class AccountProfiles
{
    public static AccountProfile ToProfile(this AccountRecord account, AccountLimits defaults) => new()
    {
        Id = account.Id,
        Address = account.Address,
        Tenant = account.Tenant,
        State = account.StateValue,
        Limits = account.EffectiveLimits(defaults),
        CreatedAt = account.CreatedAt,
        UsualMessagesPerHour = account.UsualMessagesPerHour,
        ThrottledUntil = account.ThrottledUntil,
    };
}
