using OutboundGuard.Admin.Complaints;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Relay;

/// <summary>
/// One report on the SMTP door: kept in memory up to <see cref="ComplaintService.MaxReportSize"/> (reports are
/// small), then read and stored by the intake; 250 only once the complaint row committed.
/// </summary>
internal sealed class FeedbackLoopSink(ComplaintService intake, SmtpSessionInfo session) : IMessageSink
{
    private readonly MemoryStream _content = new();
    private bool _tooBig;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (_content.Length + content.Length > intake.MaxReportSize)
        {
            _tooBig = true;
        }
        else
        {
            _content.Write(content.Span);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask<SmtpReply> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_tooBig)
        {
            return SmtpReplies.TooBig.WithText($"A feedback report may have at most {intake.MaxReportSize} octets");
        }

        _content.Position = 0;
        var client = session.RemoteEndPoint.Address.IsIPv4MappedToIPv6 ? session.RemoteEndPoint.Address.MapToIPv4() : session.RemoteEndPoint.Address;
        try
        {
            var (stored, problem) = await intake.ReceiveAsync(_content, "smtp", client.ToString(), null, cancellationToken);
            return stored is null
                ? SmtpReplies.MessageRejected.WithText($"Not accepted: {problem}")
                : SmtpReplies.Queued.WithText($"Report stored as complaint {stored.Id}");
        }
        catch (Npgsql.NpgsqlException)
        {
            return SmtpReplies.StorageUnavailable;
        }
    }

    public ValueTask DisposeAsync() => _content.DisposeAsync();
}
