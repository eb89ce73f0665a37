using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// One credential used from many places at once: distinct client networks in the last hour (a laptop, a phone
/// and the office make three; more is unusual). Parallel sessions from one place are not a finding: a customer's
/// Postfix or Exchange relays through one account over up to 20 sessions at once, and so does a newsletter sender.
/// </summary>
public sealed class ConcurrencyDetector : IDetector
{
    public string Name => "concurrency";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        double scale = ShapeScale(message.Account.Limits);
        int ips = history.DistinctClientIpsLastHour;
        if (ips >= 4)
        {
            findings.Add(new Evidence(Name, Round(Math.Min(60, 12.0 * (ips - 2)) * scale), $"sent from {I(ips)} client networks in 1 h"));
        }

        // A burst from a network the account did not use earlier today: how a stolen password is put to use. It tightens
        // (15, below any action alone); behind a shared front end or connector the network is the front end's and never new.
        if (history.NewClientNetwork is { } network && history.MessagesLast10Minutes >= 3)
        {
            findings.Add(new Evidence(Name, Round(15 * scale), $"{I(history.MessagesLast10Minutes)} messages in 10 min from client network {network}, new for this account today"));
        }
    }
}
