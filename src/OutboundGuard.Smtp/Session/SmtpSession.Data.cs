using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Content;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

internal sealed partial class SmtpSession
{
    private const int SinkChunkSize = 64 * 1024;

    /// <summary>
    /// DATA (RFC 5321 §4.1.1.4): 354, then the content is decoded and streamed to the sink in chunks.
    /// Violations found on the way are answered only after the end of data, so the framing stays intact.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleDataAsync(SmtpReply? refusal, bool trailingInput)
    {
        if (refusal is { } refused)
        {
            WriteError(refused);
            return;
        }

        var envelope = _envelope!;
        if (envelope.Body == "BINARYMIME")
        {
            // RFC 3030 §3: BODY=BINARYMIME content can only be sent with BDAT.
            WriteError(SmtpReplies.BadSequence.WithText("BODY=BINARYMIME requires BDAT"));
            return;
        }

        if (trailingInput)
        {
            // RFC 2920 §3.1: DATA ends a pipelined group; the client must wait for 354 before the content.
            // Content sent ahead of 354 could not be told apart from commands, so the session ends.
            Log.ProtocolViolation(_logger, "input pipelined after DATA before 354");
            await CloseWithAsync(SmtpReplies.UnauthorisedPipelining, "input pipelined after DATA");
            return;
        }

        IMessageSink sink;
        try
        {
            await LeaveSocketThreadAsync();
            sink = await _server.Relay.OpenMessageAsync(Info, envelope, Closed);
        }
        catch (Exception ex) when (!Closed.IsCancellationRequested)
        {
            Log.UnexpectedError(_logger, ex, "DATA");
            WriteReply(SmtpReplies.StorageUnavailable);
            return;
        }

        try
        {
            WriteReply(SmtpReplies.StartData);
            await FlushAsync();
            var outcome = await ReceiveDataAsync(sink);
            if (outcome is not { } received)
            {
                return;
            }

            var failure = ViolationReply(received.Violations)
                ?? (received.Size > _limits.MaxMessageSize ? SmtpReplies.TooBig : (SmtpReply?)null)
                ?? (received.SinkFailed ? SmtpReplies.StorageUnavailable : (SmtpReply?)null);
            await FinishMessageAsync(sink, envelope, received.Size, failure);
        }
        finally
        {
            // Disposing an unfinished message may delete its file.
            await LeaveSocketThreadAsync();
            await sink.DisposeAsync();
        }
    }

    /// <summary>Reads content up to CRLF.CRLF. Returns null when the session ended meanwhile (timeout, disconnect).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<DataOutcome?> ReceiveDataAsync(IMessageSink sink)
    {
        var decoder = new DataContentDecoder(_limits.MaxTextLineLength);
        var output = ArrayPool<byte>.Shared.Rent(SinkChunkSize + 1);
        var pending = 0;
        long size = 0;
        var sinkFailed = false;
        var first = true;
        var started = _server.Time.GetTimestamp();
        long received = 0;
        try
        {
            while (true)
            {
                var read = await ReadInputAsync(first ? _limits.DataInitiationTimeout : _limits.DataBlockTimeout, includeShutdown: false,
                    TransferTimeLeft(started, received), SmtpReplies.DataTooSlow);
                first = false;
                if (read is not { } result)
                {
                    return null;
                }

                var buffer = result.Buffer;
                long offset = 0;
                var end = false;
                foreach (var segment in buffer)
                {
                    var memory = segment;
                    while (!memory.IsEmpty && !end)
                    {
                        var room = output.Length - pending - 1;
                        if (room <= 0)
                        {
                            sinkFailed = await WriteToSinkAsync(sink, output.AsMemory(0, pending), size, decoder.Violations, sinkFailed);
                            pending = 0;
                            room = output.Length - 1;
                        }

                        var take = memory[..Math.Min(memory.Length, room)];
                        end = decoder.Decode(take.Span, output.AsSpan(pending), out var consumed, out var written);
                        pending += written;
                        size += written;
                        offset += consumed;
                        memory = memory[consumed..];
                    }

                    if (end)
                    {
                        break;
                    }
                }

                sinkFailed = await WriteToSinkAsync(sink, output.AsMemory(0, pending), size, decoder.Violations, sinkFailed);
                pending = 0;
                if (end)
                {
                    _input.AdvanceTo(buffer.GetPosition(offset));
                    return new DataOutcome(size, decoder.Violations, sinkFailed);
                }

                received += buffer.Length;
                _input.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    _closing = true;
                    _endReason = "client disconnected during DATA";
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>Writes decoded content unless the message is already lost (too big, violation, sink error). Returns whether the sink failed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WriteToSinkAsync(IMessageSink sink, ReadOnlyMemory<byte> content, long sizeSoFar, ContentViolations violations, bool sinkFailed)
    {
        if (content.IsEmpty || sinkFailed || violations != ContentViolations.None || sizeSoFar > _limits.MaxMessageSize)
        {
            return sinkFailed;
        }

        try
        {
            await sink.WriteAsync(content, Closed);
            return false;
        }
        catch (Exception ex) when (!Closed.IsCancellationRequested)
        {
            Log.UnexpectedError(_logger, ex, "message write");
            return true;
        }
    }

    /// <summary>
    /// Ends a message received with DATA or BDAT: refuses it for <paramref name="failure"/>, or completes the
    /// sink within <see cref="Hosting.SmtpLimits.DataTerminationTimeout"/>; then the transaction is over.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FinishMessageAsync(IMessageSink sink, SmtpEnvelope envelope, long size, SmtpReply? failure)
    {
        _envelope = null;
        _state = SmtpState.Greeted;
        await LeaveSocketThreadAsync();
        if (failure is { } refused)
        {
            Log.MessageRefused(_logger, envelope.ReversePath, refused.ToString());
            WriteError(refused);
            return;
        }

        SmtpReply reply;
        using var timeout = new CancellationTokenSource(_limits.DataTerminationTimeout, _server.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, Closed);
        try
        {
            reply = await sink.CompleteAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            reply = SmtpReplies.Timeout;
        }
        catch (Exception ex) when (!Closed.IsCancellationRequested)
        {
            Log.UnexpectedError(_logger, ex, "message completion");
            reply = SmtpReplies.StorageUnavailable;
        }

        if (reply.Code == 250)
        {
            _messages++;
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.MessageCompleted(_logger, envelope.ReversePath, envelope.Recipients.Count, size, reply.Code, reply.ToString());
        }

        WriteReply(reply);
    }

    /// <summary>The reply for content that broke the rules, in order of precedence; null when clean.</summary>
    private static SmtpReply? ViolationReply(ContentViolations violations)
        => (violations & ContentViolations.BareLineEnding) != 0 ? SmtpReplies.BareLineEnding
            : (violations & ContentViolations.Nul) != 0 ? SmtpReplies.NulInData
            : (violations & ContentViolations.LineTooLong) != 0 ? SmtpReplies.TextLineTooLong
            : null;

    private readonly record struct DataOutcome(long Size, ContentViolations Violations, bool SinkFailed);

    /// <summary>
    /// Time left before a transfer begun at <paramref name="started"/> that has brought <paramref name="received"/>
    /// octets falls below <see cref="Hosting.SmtpLimits.MinimumDataRate"/> (never before the grace period); null when off.
    /// </summary>
    private TimeSpan? TransferTimeLeft(long started, long received)
    {
        if (_limits.MinimumDataRate <= 0)
        {
            return null;
        }

        var earned = TimeSpan.FromSeconds((double)received / _limits.MinimumDataRate);
        var allowed = earned > _limits.MinimumDataRateGrace ? earned : _limits.MinimumDataRateGrace;
        return allowed - _server.Time.GetElapsedTime(started);
    }
}
