using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Replaying;

/// <summary>One replayed message and the relay's answer.</summary>
/// <param name="Entry">The burst entry.</param>
/// <param name="Outcome">Accepted, deferred, rejected, failed or skipped.</param>
/// <param name="Code">The SMTP reply code, or 0 when there was none.</param>
/// <param name="Text">The reply text (with its enhanced status code), or the error.</param>
public sealed record SendResult(BurstEntry Entry, SendOutcome Outcome, int Code, string Text)
{
    /// <summary>451 4.7.1: the account is throttled.</summary>
    public bool IsThrottle => Code == 451 && Text.StartsWith("4.7.1", StringComparison.Ordinal);

    /// <summary>550 5.7.1 naming a suspension: the account is suspended.</summary>
    public bool IsSuspension => Code == 550 && Text.StartsWith("5.7.1", StringComparison.Ordinal) && Text.Contains("suspend", StringComparison.OrdinalIgnoreCase);
}
