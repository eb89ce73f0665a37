using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// The same body sent by many accounts within minutes (the pipeline asks the <see cref="CampaignTracker"/>
/// before the detectors run): raises every sender, more so across tenants and from fresh accounts; a
/// fingerprint confirmed as abuse suspends whoever sends it. The tenant-template guard (one tenant, only
/// established accounts, no bad URL or phishing phrasing, not repeated in runs by several accounts) keeps a
/// tenant's own templates out; clean text from established accounts weighs at most 30 (high-risk route, never a
/// throttle on its own) unless three or more accounts of one tenant each repeat it in a run. Thresholds and weights:
/// <see cref="CampaignDetectorOptions"/>.
/// </summary>
public sealed class CampaignDetector(CampaignDetectorOptions? options = null) : IDetector
{
    private readonly CampaignDetectorOptions _o = options ?? new();

    public string Name => "campaign";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        if (history.Campaign is not { } c)
        {
            return;
        }

        if (c.Blocked)
        {
            // Confirmed by ops: decisive for anyone. Blocked by a suspension: a signal shared with another account, which the
            // policy's ladder keeps from quarantining or suspending an established account on its own.
            findings.Add(c.BlockConfirmed
                ? new Evidence(Name, _o.BlockedWeight, $"body fingerprint {c.Fingerprint} is blocked as abuse ({c.BlockedReason})") { Forces = VerdictAction.Suspend, Decisive = true }
                : new Evidence(Name, _o.BlockedWeight, $"body fingerprint {c.Fingerprint} was blocked when its sender was stopped ({c.BlockedReason})"));
            return;
        }

        if (c.TemplateGuard)
        {
            return;
        }

        string minutes = N(c.Window.TotalMinutes);
        // Mostly brand-new accounts (sign-ups put to use at once) make a campaign even of clean text; young accounts older
        // than that (a new shop on its platform's template) count as ordinary senders here.
        bool mostlyYoung = c.NewAccounts * 2 > c.Accounts;
        if (c.LowInformation && !c.BadContent && (!mostlyYoung || !c.UncommonLinks))
        {
            // Short and boilerplate texts ("see attached", "Please find attached the invoice.", signatures, forwarded
            // notices) are alike across unrelated senders, new customers included; from sign-ups a short clean text tells a
            // campaign only when it points somewhere uncommon (a lure's link), never as plain boilerplate.
            return;
        }

        if (c.Accounts >= _o.AccountsMin)
        {
            double w = Math.Min(_o.AccountsMaxWeight, _o.WeightPerAccount * (c.Accounts - 1)) + (c.Tenants >= 2 ? _o.AcrossTenantsWeight : 0) + (c.FreshAccounts * 2 >= c.Accounts ? _o.FreshAccountsWeight : 0);
            bool repeatedInOneTenant = c.Tenants == 1 && c.RepeatedInRuns;
            // Established senders across tenants (two or more, a third of all) make it a common text even when young accounts send it too.
            int established = c.Accounts - c.FreshAccounts;
            bool common = !mostlyYoung || (established >= 2 && established * 3 >= c.Accounts && c.Tenants >= 3);
            if (common && !repeatedInOneTenant && (!c.BadContent || c.Tenants >= 2))
            {
                // Mostly established accounts: clean text, or text across tenants (one bad message among many honest
                // copies makes the whole cluster look bad), is most likely a shared legitimate template (a SaaS
                // notification, a common notice, boilerplate). It routes to the high-risk pool at most; other signals decide.
                w = Math.Min(w, _o.CommonTextMaxWeight);
            }

            string tenants = c.Tenants >= 2 ? $" across {I(c.Tenants)} tenants" : string.Empty;
            string fresh = c.FreshAccounts > 0 ? $", {I(c.FreshAccounts)} of them new" : string.Empty;
            string runs = repeatedInOneTenant ? $", {I(c.RepeatingAccounts)} of them repeating it" : string.Empty;
            findings.Add(new Evidence(Name, Round(Math.Min(_o.MaxWeight, w)), $"same body fingerprint sent by {I(c.Accounts)} accounts{tenants} in {minutes} min{fresh}{runs}"));
        }
        else if (c.UrlSetAccounts >= _o.UrlSetAccountsMin)
        {
            // Only uncommon domains count (not popular sites, nor domains established accounts of other tenants link to);
            // alone it stays below a throttle.
            findings.Add(new Evidence(Name, Round(Math.Min(_o.UrlSetMaxWeight, _o.UrlSetWeightPerAccount * (c.UrlSetAccounts - 2))), $"same set of uncommon link domains sent by {I(c.UrlSetAccounts)} accounts in {minutes} min"));
        }
    }
}
