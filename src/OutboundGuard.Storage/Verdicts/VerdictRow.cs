
namespace OutboundGuard.Storage.Verdicts;

/// <summary>A verdict to store together with the message row it belongs to (see <see cref="Spool.SpoolCommitter"/>).</summary>
public sealed record VerdictRow(long? AccountId, Guid? MessageId, string SessionId, Verdict Verdict, string? EnvelopeFrom, int RecipientCount, string? Subject);
