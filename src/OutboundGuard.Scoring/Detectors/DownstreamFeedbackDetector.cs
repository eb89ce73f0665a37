using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// What the smarthost said about the account's recent mail: recipients refused as unknown (guessed or harvested
/// addresses) or "blocked" replies (the receivers already judge it as spam). Thresholds and weights:
/// <see cref="DownstreamFeedbackDetectorOptions"/>.
/// </summary>
public sealed class DownstreamFeedbackDetector(DownstreamFeedbackDetectorOptions? options = null) : IDetector
{
    private readonly DownstreamFeedbackDetectorOptions _o = options ?? new();

    public string Name => "downstream";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        DownstreamCounts d = history.Downstream;
        int total = Math.Max(d.Total, history.RecipientsLastHour);
        if (total == 0)
        {
            return;
        }

        UnknownRecipients(message.Account.Limits, d.UnknownUser, total, history.UnknownRecipientSample, findings);
        if (d.Blocked >= _o.BlockedMin)
        {
            findings.Add(new Evidence(Name, Round(Math.Min(_o.BlockedMaxWeight, _o.BlockedWeightPerReply * d.Blocked)), $"{I(d.Blocked)} smarthost replies in 1 h were 5xx blocked as spam")
            {
                Forces = VerdictAction.HighRiskRoute,
            });
        }
    }

    /// <summary>
    /// Recipients refused as unknown: by default at least 20 and 5 % of the hour's recipients throttle the account (an
    /// account whose limits ops raised N-fold needs N× as many and N× the share, at most 20 %, like the other shape
    /// findings); below that, 5 or more making up 20 % still add weight. A list with a few stale addresses stays well under both.
    /// </summary>
    private void UnknownRecipients(AccountLimits limits, int unknown, int total, IReadOnlyList<string> sample, ICollection<Evidence> findings)
    {
        double share = (double)unknown / total;
        double raised = 1 / ShapeScale(limits);
        if (unknown >= _o.ThrottleUnknown * raised && share >= Math.Min(_o.ThrottleShareMax, _o.ThrottleShare * raised))
        {
            string named = sample.Count == 0 ? "" : ": " + string.Join(", ", sample) + (unknown > sample.Count ? ", …" : "");
            findings.Add(new Evidence(Name, Round(Math.Min(_o.UnknownMaxWeight, _o.UnknownWeight + (_o.UnknownWeightPerShare * (share - _o.ThrottleShare)))), $"{I(unknown)} of {I(total)} recipients this hour ({N(Math.Round(share * 100, 1))} %) unknown at the receiving server{named}")
            {
                Forces = VerdictAction.Throttle,
            });
        }
        else if (unknown >= _o.WeighUnknown && share >= _o.WeighShare)
        {
            findings.Add(new Evidence(Name, Round(Math.Min(_o.UnknownMaxWeight, _o.UnknownWeight + (_o.UnknownWeightPerShare * (share - _o.WeighShare)))), $"{I(unknown)} of {I(total)} smarthost replies in 1 h were 5xx unknown user ({N(Math.Round(share * 100))} %)"));
        }
    }
}
