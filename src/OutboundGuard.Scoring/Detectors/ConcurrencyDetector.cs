using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// One credential used from many places at once: distinct client IPs in the last hour (a laptop, a phone
/// and the office make three; more is unusual) and parallel SMTP sessions in the last minute.
/// </summary>
public sealed class ConcurrencyDetector : IDetector
{
    public string Name => "concurrency";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence.Evidence> findings)
    {
        double scale = ShapeScale(message.Account.Limits);
        int ips = history.DistinctClientIpsLastHour;
        if (ips >= 4)
        {
            findings.Add(new Evidence.Evidence(Name, Round(Math.Min(60, 12.0 * (ips - 2)) * scale), $"sent from {I(ips)} client IPs in 1 h"));
        }

        int sessions = history.ParallelSessions;
        if (sessions >= 4)
        {
            findings.Add(new Evidence.Evidence(Name, Round(Math.Min(40, 8.0 * (sessions - 3)) * scale), $"{I(sessions)} parallel sessions in 1 min"));
        }
    }
}
