using System.Globalization;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Accounts tied to a suspended one — a client IP its flagged messages came from (not the tenant's shared mail
/// server), the same campaign fingerprint (outside the tenant-template guard), created within minutes of it in the
/// same tenant while both are young (not the tenant's first accounts) — are tightened: the
/// link alone stays below the throttle threshold, it adds to whatever else the account does. A reinstated account is on
/// probation for a while. Weights: <see cref="LinkedAccountsDetectorOptions"/>.
/// </summary>
public sealed class LinkedAccountsDetector(LinkedAccountsDetectorOptions? options = null) : IDetector
{
    private readonly LinkedAccountsDetectorOptions _o = options ?? new();

    public string Name => "linked";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        int n = 0;
        foreach (string link in history.LinksToSuspendedAccounts.Take(_o.MaxLinks))
        {
            findings.Add(new Evidence(Name, n++ == 0 ? _o.FirstLinkWeight : _o.FurtherLinkWeight, $"linked to a suspended account: {link}"));
        }

        if (history.Campaign is { SharedWithSuspended: { } suspended, TemplateGuard: false })
        {
            findings.Add(new Evidence(Name, _o.SharedFingerprintWeight, $"sent the same body fingerprint as suspended account {I(suspended)}"));
        }

        if (history.ProbationUntil is { } until)
        {
            findings.Add(new Evidence(Name, _o.ProbationWeight, $"on probation after reinstatement until {until.ToString("u", CultureInfo.InvariantCulture)}"));
        }
    }
}
