using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Relay;

/// <summary>
/// One message on its way through the relay: session → spool → pipeline → verdict → action. The content
/// streams into a spool file; at the end of DATA the file is fsynced (its folder with the row, by
/// <see cref="SpoolCommitter"/>), the message is scored, and the
/// action decides the reply. A 250 is only returned after the envelope row has committed.
/// </summary>
internal sealed class SpoolingMessageSink(
    Guid id,
    SpoolWriter writer,
    SmtpSessionInfo session,
    SmtpEnvelope envelope,
    AccountRecord account,
    MessageScorer scorer,
    ActionDispatcher dispatcher) : IMessageSink
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => writer.WriteAsync(content, cancellationToken);

    public async ValueTask<SmtpReply> CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await writer.CommitFileAsync(cancellationToken);
        }
        catch (IOException)
        {
            // Disk full or failing: the client keeps the message and retries.
            await writer.DiscardAsync();
            return SmtpReplies.StorageUnavailable;
        }

        var incoming = new IncomingMessage(id, writer.Path, writer.Length, session, envelope, account);
        var result = await scorer.ScoreAsync(incoming, cancellationToken);
        return await dispatcher.ApplyAsync(incoming, result, cancellationToken);
    }

    public ValueTask DisposeAsync() => writer.DisposeAsync();
}
