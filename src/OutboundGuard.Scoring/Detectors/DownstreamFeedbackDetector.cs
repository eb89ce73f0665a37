using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// What the smarthost said about the account's recent mail: a spike of 5xx "unknown user" replies
/// (guessed or harvested addresses) or of "blocked" replies (the receivers already judge it as spam).
/// </summary>
public sealed class DownstreamFeedbackDetector : IDetector
{
    public string Name => "downstream";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        DownstreamCounts d = history.Downstream;
        int total = Math.Max(d.Total, history.RecipientsLastHour);
        if (total == 0)
        {
            return;
        }

        double unknownShare = (double)d.UnknownUser / total;
        if (d.UnknownUser >= 5 && unknownShare >= 0.2)
        {
            double w = Math.Min(60, 20 + (100 * (unknownShare - 0.2)));
            findings.Add(new Evidence(Name, Round(w), $"{I(d.UnknownUser)} of {I(total)} smarthost replies in 1 h were 5xx unknown user ({N(Math.Round(unknownShare * 100))} %)"));
        }

        if (d.Blocked >= 3)
        {
            findings.Add(new Evidence(Name, Round(Math.Min(70, 15.0 * d.Blocked)), $"{I(d.Blocked)} smarthost replies in 1 h were 5xx blocked as spam")
            {
                Forces = VerdictAction.HighRiskRoute,
            });
        }
    }
}
