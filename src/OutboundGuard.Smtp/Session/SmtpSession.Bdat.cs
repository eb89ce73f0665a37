using System.Globalization;
using System.Runtime.CompilerServices;
using OutboundGuard.Smtp.Content;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

internal sealed partial class SmtpSession
{
    private IMessageSink? _bdatSink;
    private BinaryContentChecker _bdatChecker;
    private long _bdatSize;
    private bool _bdatSinkFailed;

    /// <summary>
    /// BDAT (RFC 3030 §2): exactly ChunkSize octets follow the command and are always read, also when the
    /// command is refused, so the next command is found where the client put it. A refused chunk ends the
    /// transaction; later chunks get 503 until a new MAIL.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleBdatAsync(BdatCommand bdat, SmtpReply? refusal)
    {
        var failure = refusal;
        if (failure is null && _bdatSink is null)
        {
            try
            {
                await LeaveSocketThreadAsync();
                _bdatSink = await _server.Relay.OpenMessageAsync(Info, _envelope!, Closed);
                _bdatChecker = new BinaryContentChecker(_limits.MaxTextLineLength);
                _bdatSize = 0;
                _bdatSinkFailed = false;
            }
            catch (Exception ex) when (!Closed.IsCancellationRequested)
            {
                Log.UnexpectedError(_logger, ex, "BDAT");
                failure = SmtpReplies.StorageUnavailable;
            }
        }

        if (failure is null && _bdatSize + bdat.ChunkSize > _limits.MaxMessageSize)
        {
            failure = SmtpReplies.TooBig;
        }

        // BODY=BINARYMIME content may hold any octet (RFC 3030 §3); other content follows the DATA rules.
        var checkContent = failure is null && _envelope?.Body != "BINARYMIME";
        if (!await ReceiveChunkAsync(bdat.ChunkSize, failure is null ? _bdatSink : null, checkContent))
        {
            return;
        }

        if (failure is null)
        {
            _bdatSize += bdat.ChunkSize;
            if (bdat.Last && checkContent)
            {
                _bdatChecker.Finish();
            }

            failure = ViolationReply(_bdatChecker.Violations) ?? (_bdatSinkFailed ? SmtpReplies.StorageUnavailable : (SmtpReply?)null);
        }

        if (failure is { } refused)
        {
            if (refusal is null)
            {
                // The transaction is over: the message is abandoned, the client must start again with MAIL.
                Log.MessageRefused(_logger, _envelope?.ReversePath ?? string.Empty, refused.ToString());
                await ResetTransactionAsync();
                _state = SmtpState.Greeted;
            }

            WriteError(refused);
            return;
        }

        if (!bdat.Last)
        {
            _state = SmtpState.ReceivingBdat;
            WriteReply(SmtpReplies.Ok.WithText(string.Create(CultureInfo.InvariantCulture, $"{bdat.ChunkSize} octets received")));
            return;
        }

        var sink = _bdatSink!;
        _bdatSink = null;
        await using (sink)
        {
            await FinishMessageAsync(sink, _envelope!, _bdatSize, failure: null);
        }
    }

    /// <summary>Reads exactly <paramref name="size"/> octets, writing them to the sink when one is given. False when the session ended meanwhile.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReceiveChunkAsync(long size, IMessageSink? sink, bool checkContent)
    {
        var remaining = size;
        var started = _server.Time.GetTimestamp();
        long received = 0;
        while (remaining > 0)
        {
            var read = await ReadInputAsync(_limits.DataBlockTimeout, includeShutdown: false, TransferTimeLeft(started, received), SmtpReplies.DataTooSlow);
            if (read is not { } result)
            {
                return false;
            }

            var chunk = result.Buffer.Slice(0, Math.Min(remaining, result.Buffer.Length));
            foreach (var segment in chunk)
            {
                if (checkContent)
                {
                    _bdatChecker.Check(segment.Span);
                }

                if (sink is not null && !_bdatSinkFailed && _bdatChecker.Violations == ContentViolations.None)
                {
                    try
                    {
                        await sink.WriteAsync(segment, Closed);
                    }
                    catch (Exception ex) when (!Closed.IsCancellationRequested)
                    {
                        Log.UnexpectedError(_logger, ex, "message write");
                        _bdatSinkFailed = true;
                    }
                }
            }

            remaining -= chunk.Length;
            received += chunk.Length;
            _input.AdvanceTo(chunk.End);
            if (remaining > 0 && result.IsCompleted)
            {
                _closing = true;
                _endReason = "client disconnected during BDAT";
                return false;
            }
        }

        return true;
    }

    /// <summary>Abandons a message being received with BDAT: the sink is disposed without completing.</summary>
    private async ValueTask AbandonBdatAsync()
    {
        if (_bdatSink is { } sink)
        {
            _bdatSink = null;
            await LeaveSocketThreadAsync();
            await sink.DisposeAsync();
        }
    }
}
