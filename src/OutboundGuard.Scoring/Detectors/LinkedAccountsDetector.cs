using System.Globalization;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Accounts tied to a suspended one — a client IP its flagged messages came from (not the tenant's shared mail
/// server), the same campaign fingerprint (outside the tenant-template guard), created within minutes of it in the
/// same tenant while both are young (not the tenant's first accounts) — are tightened: the
/// link alone stays below the throttle threshold (20 + 10), it adds to whatever else the account does. A
/// reinstated account is on probation for a while (15).
/// </summary>
public sealed class LinkedAccountsDetector : IDetector
{
    public string Name => "linked";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        int n = 0;
        foreach (string link in history.LinksToSuspendedAccounts.Take(2))
        {
            findings.Add(new Evidence(Name, n++ == 0 ? 20 : 10, $"linked to a suspended account: {link}"));
        }

        if (history.Campaign is { SharedWithSuspended: { } suspended, TemplateGuard: false })
        {
            findings.Add(new Evidence(Name, 20, $"sent the same body fingerprint as suspended account {I(suspended)}"));
        }

        if (history.ProbationUntil is { } until)
        {
            findings.Add(new Evidence(Name, 15, $"on probation after reinstatement until {until.ToString("u", CultureInfo.InvariantCulture)}"));
        }
    }
}
