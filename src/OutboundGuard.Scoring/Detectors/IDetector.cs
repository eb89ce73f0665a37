using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// One signal of the scoring pipeline. A detector does no I/O: it reads the message, the account's
/// history as given and the clock, and adds evidence.
/// </summary>
public interface IDetector
{
    /// <summary>Stable name used in evidence, metrics and configuration, e.g. "rate".</summary>
    string Name { get; }

    /// <summary>Inspects one message and appends what it finds to <paramref name="findings"/>.</summary>
    void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings);
}
