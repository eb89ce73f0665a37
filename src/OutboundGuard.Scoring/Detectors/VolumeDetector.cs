using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// Hourly and daily volume: messages and recipients per hour and recipients per day against the
/// account's limits after the trust ramp (a new account starts at 10 % and reaches its full limits with
/// age or clean history), and the hour's volume against the account's learned hour-of-week baseline.
/// Floors, thresholds and weights: <see cref="VolumeDetectorOptions"/>.
/// </summary>
public sealed class VolumeDetector(VolumeDetectorOptions? options = null) : IDetector
{
    private readonly VolumeDetectorOptions _o = options ?? new();

    public string Name => "volume";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        AccountLimits limits = message.Account.Limits;
        double ramp = TrustRamp(message.Account, history);
        string Note(int full) => ramp < 1 ? $" (new account at {N(Math.Round(ramp * 100))} % of {I(full)} while trust builds)" : string.Empty;

        Check(history.MessagesLastHour, Ramped(limits.MessagesPerHour, ramp, _o.MessagesPerHourFloor), "messages in 1 h", Note(limits.MessagesPerHour), findings);
        Check(history.RecipientsLastHour, Ramped(limits.RecipientsPerHour, ramp, _o.RecipientsPerHourFloor), "recipients in 1 h", Note(limits.RecipientsPerHour), findings);
        Check(history.RecipientsLastDay, Ramped(limits.RecipientsPerDay, ramp, _o.RecipientsPerDayFloor), "recipients in 1 day", Note(limits.RecipientsPerDay), findings);

        int mh = history.MessagesLastHour;
        if (history.BaselineMessagesPerHour is { } usual && mh >= _o.BaselineMinMessages)
        {
            double baseline = Math.Max(Math.Max(usual, history.PeakMessagesPerHour / 4.0), 1.0);
            double ratio = mh / baseline;
            if (ratio >= _o.BaselineRatio)
            {
                double w = Math.Min(_o.BaselineMaxWeight, _o.BaselineWeightPerRatio * ratio) * ShapeScale(limits);
                findings.Add(new Evidence(Name, Round(w), $"{I(mh)} messages in 1 h, {N(Math.Round(ratio))}× this account's usual {N(Math.Round(baseline, 1))} at this hour"));
            }
        }
    }

    private void Check(int count, int limit, string what, string note, ICollection<Evidence> findings)
    {
        if (count > limit)
        {
            findings.Add(new Evidence(Name, Round(OverLimitWeight(count, limit)), $"{I(count)} {what}, limit {I(limit)}{note}")
            {
                Forces = VerdictAction.Throttle,
            });
        }
    }
}
