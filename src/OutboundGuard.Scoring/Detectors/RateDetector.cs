using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Short-window pace: messages and recipients per minute and per 10 minutes against the account's
/// (trust-ramped) limits, and the shape of a sudden burst — pace far above the account's baseline,
/// first-time recipients, many recipient domains. Over a limit forces a throttle; over twice the
/// per-minute limit forces a suspension. Floors, thresholds and weights: <see cref="RateDetectorOptions"/>.
/// </summary>
public sealed class RateDetector(RateDetectorOptions? options = null) : IDetector
{
    private readonly RateDetectorOptions _o = options ?? new();

    public string Name => "rate";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        AccountLimits limits = message.Account.Limits;
        double ramp = TrustRamp(message.Account, history);
        double scale = ShapeScale(limits);
        string rampNote = ramp < 1 ? $" (new account at {N(Math.Round(ramp * 100))} % of {I(limits.MessagesPerMinute)})" : string.Empty;

        int perMinute = Ramped(limits.MessagesPerMinute, ramp, _o.MessagesPerMinuteFloor);
        int m1 = history.MessagesLastMinute;
        if (m1 > perMinute)
        {
            findings.Add(new Evidence(Name, Round(OverLimitWeight(m1, perMinute)), $"{I(m1)} messages in 1 min, limit {I(perMinute)}{rampNote}")
            {
                Forces = m1 > _o.SuspendFactor * perMinute ? VerdictAction.Suspend : VerdictAction.Throttle,
            });
        }

        int rcptPerMinute = Ramped(limits.RecipientsPerMinute, ramp, _o.RecipientsPerMinuteFloor);
        int r1 = history.RecipientsLastMinute;
        if (r1 > rcptPerMinute)
        {
            findings.Add(new Evidence(Name, Round(OverLimitWeight(r1, rcptPerMinute)), $"{I(r1)} recipients in 1 min, limit {I(rcptPerMinute)}")
            {
                Forces = r1 > _o.SuspendFactor * rcptPerMinute ? VerdictAction.Suspend : VerdictAction.Throttle,
            });
        }

        // Ten minutes may hold half an hour's allowance, and never more than ten minutes at the full minute pace.
        int per10 = Math.Min(10 * perMinute, Math.Max(1, Ramped(limits.MessagesPerHour, ramp, _o.MessagesPerHourFloor) / 2));
        int m10 = history.MessagesLast10Minutes;
        if (m10 > per10 && m1 <= perMinute)
        {
            findings.Add(new Evidence(Name, Round(OverLimitWeight(m10, per10)), $"{I(m10)} messages in 10 min, limit {I(per10)}")
            {
                Forces = VerdictAction.Throttle,
            });
        }

        if (history.BaselineMessagesPerHour is { } usual && m10 >= _o.BaselineMinMessages)
        {
            double baseline = Math.Max(Math.Max(usual, history.PeakMessagesPerHour / 10.0), 1.0);
            double ratio = m10 / baseline;
            if (ratio >= _o.BaselineRatio)
            {
                double w = Math.Min(_o.BaselineMaxWeight, _o.BaselineWeightPerMessage * (m10 - 2)) * scale;
                findings.Add(new Evidence(Name, Round(w), $"{I(m10)} messages in 10 min, {N(Math.Round(ratio))}× this account's hourly baseline of {N(Math.Round(baseline, 1))}"));
            }
        }

        int f10 = history.FirstTimeRecipientsLast10Minutes;
        if (f10 >= _o.FirstTimeRecipientsMin && m10 >= _o.ShapeMinMessages)
        {
            findings.Add(new Evidence(Name, Round(Math.Min(_o.FirstTimeRecipientsMaxWeight, f10) * scale), $"{I(f10)} first-time recipients in 10 min over {I(m10)} messages"));
        }

        int d10 = history.DistinctRecipientDomainsLast10Minutes;
        if (d10 >= _o.RecipientDomainsMin && m10 >= _o.ShapeMinMessages)
        {
            findings.Add(new Evidence(Name, Round(Math.Min(_o.RecipientDomainsMaxWeight, _o.RecipientDomainWeight * d10) * scale), $"{I(d10)} distinct recipient domains in 10 min"));
        }
    }
}
