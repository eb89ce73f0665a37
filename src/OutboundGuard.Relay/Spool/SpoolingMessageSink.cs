using System.Buffers;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Relay;

/// <summary>
/// One message on its way through the relay: session → spool → pipeline → verdict → action. The content
/// streams into a spool file (through the <see cref="HeaderFieldFilter"/> when the sender is settled by its
/// header block); at the end of DATA the sender is settled (<see cref="SenderConfirmation"/>), the file is
/// fsynced (its folder with the row, by <see cref="SpoolCommitter"/>; or, when the spool syncs as a group, written and
/// made durable by the committer with its group), the message is scored, and the action decides the reply. A 250 is
/// only returned after the file is durable and the envelope row has committed.
/// </summary>
internal sealed class SpoolingMessageSink(
    Guid id,
    SpoolWriter writer,
    SmtpSessionInfo session,
    SmtpEnvelope envelope,
    TransactionSender sender,
    HeaderFieldFilter headers,
    SenderConfirmation confirmation,
    IMessageScorer scorer,
    ActionDispatcher dispatcher,
    IDisposable receiving) : IMessageSink
{
    private readonly ArrayBufferWriter<byte> _filtered = new();

    public ValueTask WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        // No async state of its own: a small message's writes complete at once into the writer's buffer.
        if (headers.IsIdle)
        {
            return writer.WriteAsync(content, cancellationToken);
        }

        _filtered.ResetWrittenCount();
        headers.Filter(content.Span, _filtered);
        return writer.WriteAsync(_filtered.WrittenMemory, cancellationToken);
    }

    public async ValueTask<SmtpReply> CompleteAsync(CancellationToken cancellationToken)
    {
        headers.Complete();
        var (account, refusal) = await confirmation.ResolveAsync(session, sender, headers, cancellationToken);
        if (refusal is not null)
        {
            await writer.DiscardAsync();
            return refusal.Value;
        }

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

        var incoming = new IncomingMessage(id, writer.Path, writer.Length, session, envelope, account!, writer.SyncEpoch);
        using var result = await scorer.ScoreAsync(incoming, cancellationToken);
        return await dispatcher.ApplyAsync(incoming, result, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        // The delivery queue's inbound-first pacing counts this message as received from here on.
        receiving.Dispose();
        return writer.DisposeAsync();
    }
}
