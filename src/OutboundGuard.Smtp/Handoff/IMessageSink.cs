using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Handoff;

/// <summary>
/// Where one message's content goes while it is received. The SMTP layer writes the content
/// dot-unstuffed, with CRLF line endings only, in chunks; it never holds the whole message.
/// Disposing without <see cref="CompleteAsync"/> abandons the message (nothing was accepted).
/// </summary>
public interface IMessageSink : IAsyncDisposable
{
    /// <summary>Appends a chunk of message content.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the message: stores it durably, scores it and decides. The reply is what the client gets for
    /// DATA or the last BDAT; a 250 means the message is durably stored.
    /// </summary>
    ValueTask<SmtpReply> CompleteAsync(CancellationToken cancellationToken);
}
