using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// The account's raised login scrutiny (<see cref="Tracking.LoginScrutiny"/>): a successful AUTH after a burst of failures
/// or from a client network the account never used. Its weight only tightens the decision; alone it stays below the
/// high-risk threshold, and the decision ladder never lets it quarantine or suspend. Weight: <see cref="LoginDetectorOptions"/>.
/// </summary>
public sealed class LoginDetector(LoginDetectorOptions? options = null) : IDetector
{
    private readonly LoginDetectorOptions _o = options ?? new();

    public string Name => "logins";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        if (history.LoginScrutiny is { } words)
        {
            findings.Add(new Evidence(Name, _o.Weight, words));
        }
    }
}
