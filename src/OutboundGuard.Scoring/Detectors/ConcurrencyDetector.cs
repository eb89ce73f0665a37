using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// One credential used from many places at once: distinct client networks in the last hour (a laptop, a phone
/// and the office make three; more is unusual). Parallel sessions from one place are not a finding: a customer's
/// Postfix or Exchange relays through one account over up to 20 sessions at once, and so does a newsletter sender.
/// Thresholds and weights: <see cref="ConcurrencyDetectorOptions"/>.
/// </summary>
public sealed class ConcurrencyDetector(ConcurrencyDetectorOptions? options = null) : IDetector
{
    private readonly ConcurrencyDetectorOptions _o = options ?? new();

    public string Name => "concurrency";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        double scale = ShapeScale(message.Account.Limits);
        int ips = history.DistinctClientIpsLastHour;
        if (ips >= _o.ClientNetworksMin)
        {
            findings.Add(new Evidence(Name, Round(Math.Min(_o.ClientNetworksMaxWeight, _o.ClientNetworkWeight * (ips - _o.ClientNetworksFree)) * scale), $"sent from {I(ips)} client networks in 1 h"));
        }

        // A burst from a network the account did not use earlier today: how a stolen password is put to use. It tightens
        // (below any action alone); behind a shared front end or connector the network is the front end's and never new.
        if (history.NewClientNetwork is { } network && history.MessagesLast10Minutes >= _o.NewNetworkMinMessages)
        {
            findings.Add(new Evidence(Name, Round(_o.NewNetworkWeight * scale), $"{I(history.MessagesLast10Minutes)} messages in 10 min from client network {network}, new for this account today"));
        }
    }
}
