using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

/// <summary>The session's input and output: reads with timeouts and deadlines, replies, flushing, the transcript.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>The RFC 5321 §4.5.3.2 timeout for the next command in the current state.</summary>
    private TimeSpan CommandTimeout() => _state switch
    {
        SmtpState.Connected when _commands == 0 => _limits.InitialTimeout,
        SmtpState.InTransaction => _limits.MailTimeout,
        SmtpState.HasRecipients => _limits.RcptTimeout,
        SmtpState.ReceivingBdat => _limits.DataBlockTimeout,
        _ => _limits.ServerTimeout,
    };

    /// <summary>
    /// Reads input with a timeout from <see cref="TimeProvider"/>. Returns null when the session must end;
    /// the reply for why (timeout, shutdown) has been sent then. Pending replies are flushed before waiting.
    /// </summary>
    /// <param name="timeout">The RFC 5321 timeout for this read.</param>
    /// <param name="includeShutdown">Whether shutdown ends the wait (idle sessions only).</param>
    /// <param name="deadline">Time left before a deadline (a whole command line, a minimum transfer rate), when it is sooner than <paramref name="timeout"/>.</param>
    /// <param name="deadlineReply">The reply closing the session when that deadline passes.</param>
    /// <param name="includeEndRequest">Whether an end request (<see cref="RequestEnd"/>) ends the wait (reads of commands only).</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult?> ReadInputAsync(TimeSpan timeout, bool includeShutdown, TimeSpan? deadline = null, SmtpReply? deadlineReply = null, bool includeEndRequest = false)
    {
        var byDeadline = deadline is { } left && left < timeout;
        if (byDeadline)
        {
            timeout = deadline!.Value < TimeSpan.Zero ? TimeSpan.Zero : deadline.Value;
        }

        if (_repliesPending)
        {
            if (_input.TryRead(out var ready))
            {
                return ready;
            }

            await FlushAsync();
        }

        var token = _readTimeout.Start(timeout, includeShutdown, includeEndRequest);
        try
        {
            return await _input.ReadAsync(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            var timedOut = _readTimeout.TimedOut;
            if (timedOut && byDeadline && deadlineReply is { } reply && !Closed.IsCancellationRequested)
            {
                Log.ProtocolViolation(_logger, reply.Text);
                await CloseWithAsync(reply, "too slow");
                return null;
            }

            await OnReadCancelledAsync(timedOut);
            return null;
        }
        finally
        {
            _readTimeout.Stop();
        }
    }

    /// <summary>
    /// Moves to a pool thread when the session runs on the socket event thread (plaintext sessions, see
    /// <see cref="SocketCompletions"/>): called before the relay is asked to do what may block or take long
    /// (identify, authenticate, open and complete a message), so that one session never holds up the others' I/O.
    /// Not needed for a relay that declares <see cref="ISmtpRelayHandler.NeverBlocks"/>, unless
    /// <paramref name="evenIfRelayNeverBlocks"/> (for what else may block).
    /// </summary>
    private SocketThreadExit LeaveSocketThreadAsync(bool evenIfRelayNeverBlocks = false) =>
        new((evenIfRelayNeverBlocks || !_relayNeverBlocks) && !Thread.CurrentThread.IsThreadPoolThread);

    /// <summary>
    /// The one place where cancellation becomes a reply: idle timeout 421 4.4.2, shutdown 421 4.3.2, the account
    /// suspended 421 4.7.1, closed: none.
    /// </summary>
    private async Task OnReadCancelledAsync(bool timedOut)
    {
        if (Closed.IsCancellationRequested)
        {
            _endReason = "connection closed";
            _closing = true;
            return;
        }

        if (_readTimeout.EndRequested)
        {
            await CloseWithAsync(SmtpReplies.AccountSuspendedClosing, "account suspended");
            return;
        }

        if (timedOut)
        {
            await CloseWithAsync(SmtpReplies.IdleTimeout, "timeout");
            return;
        }

        await CloseWithAsync(SmtpReplies.ShuttingDown, "shutdown");
    }

    private async Task CloseWithAsync(SmtpReply reply, string reason)
    {
        _endReason = reason;
        _closing = true;
        WriteReply(reply);
        await FlushAsync();
    }

    private void WriteError(SmtpReply reply)
    {
        WriteReply(reply);
        if (++_errors >= _limits.MaxErrors && !_closing)
        {
            Log.ProtocolViolation(_logger, "too many errors");
            WriteReply(SmtpReplies.TooManyErrors);
            _endReason = "too many errors";
            _closing = true;
        }
    }

    /// <summary>Writes a reply (multi-line when the text has '\n'); sent with the next flush.</summary>
    private void WriteReply(SmtpReply reply)
    {
        var written = SmtpReplyWriter.Write(reply, _output);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.ReplySent(_logger, SmtpReplyWriter.Format(reply).TrimEnd());
        }

        _repliesPending |= written > 0;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushAsync()
    {
        if (_repliesPending)
        {
            _repliesPending = false;
            await _output.FlushAsync(Closed);
        }
    }

    private void LogCommand(ReadOnlySequence<byte> line, SmtpCommand? command)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        // AUTH initial responses carry the password: the transcript shows only the mechanism.
        var text = command is AuthCommand auth
            ? $"AUTH {auth.Mechanism}{(auth.InitialResponse is null ? string.Empty : " ***")}"
            : line.Length >= 4 && Ascii.EqualsIgnoreCase(line.Slice(0, 4).ToArray(), "AUTH"u8) ? "AUTH ***"
            : Encoding.UTF8.GetString(line);
        Log.CommandReceived(_logger, text);
    }
}
