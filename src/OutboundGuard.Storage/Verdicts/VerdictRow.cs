
namespace OutboundGuard.Storage.Verdicts;

/// <summary>A verdict to store together with the message row it belongs to (see <see cref="Spool.SpoolCommitter"/>).</summary>
public sealed record VerdictRow(long? AccountId, Guid? MessageId, string SessionId, Verdict Verdict, string? EnvelopeFrom, int RecipientCount, string? Subject)
{
    /// <summary>
    /// The body fingerprint scoring computed (16 lower-case hex digits), stored in <c>message_fingerprints</c> in the same
    /// transaction as the message row; null when scoring computed none.
    /// </summary>
    public string? BodyFingerprint { get; init; }
}
