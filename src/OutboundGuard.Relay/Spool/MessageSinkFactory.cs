using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Relay;

/// <summary>Opens a spool file for each incoming message and wires it to the scoring and action stages.</summary>
internal sealed class MessageSinkFactory(FileSpool spool, SenderConfirmation confirmation, IMessageScorer scorer, ActionDispatcher dispatcher, IOptions<SmtpOptions> smtp, TimeProvider time,
    OutboundGuard.Delivery.InboundActivity inbound)
{
    public async ValueTask<SpoolingMessageSink> CreateAsync(SmtpSessionInfo session, SmtpEnvelope envelope, TransactionSender sender, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var receiving = inbound.Receiving();
        try
        {
            var writer = spool.Create(id);
            await writer.WriteAsync(TraceHeader.Create(smtp.Value.ServerName, session, envelope, id, time.GetUtcNow()), cancellationToken);
            return new SpoolingMessageSink(id, writer, session, envelope, sender, confirmation.FilterFor(sender), confirmation, scorer, dispatcher, receiving);
        }
        catch
        {
            receiving.Dispose();
            throw;
        }
    }
}
