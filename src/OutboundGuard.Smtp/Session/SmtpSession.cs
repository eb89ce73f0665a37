using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// One SMTP session: the read loop, the state machine and the replies. Command handlers live in the
/// partial files by concern (Commands, Data, Bdat, StartTls, Auth).
/// </summary>
internal sealed partial class SmtpSession
{
    private readonly ConnectionContext _connection;
    private readonly SmtpServerContext _server;
    private readonly SmtpListenerMode _mode;
    private readonly SmtpLimits _limits;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;
    private readonly long _startTimestamp;

    private PipeReader _input;
    private PipeWriter _output;
    private SmtpState _state = SmtpState.Connected;
    private SmtpEnvelope? _envelope;
    private bool _repliesPending;
    private bool _discardingLongLine;

    /// <summary>When the first octet of a command line not yet complete was seen; null between lines.</summary>
    private long? _lineStartedAt;
    private bool _closing;
    private string _endReason = "client quit";
    private int _errors;
    private int _commands;
    private int _messages;
    private bool _authenticated;

    public SmtpSession(ConnectionContext connection, SmtpServerContext server, SmtpListenerMode mode, SmtpSessionInfo info)
    {
        _connection = connection;
        _server = server;
        _mode = mode;
        _limits = server.Options.Limits;
        _logger = server.Logger;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _shutdown = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        _startTimestamp = Stopwatch.GetTimestamp();
        Info = info;
    }

    /// <summary>What the relay layer sees of this session.</summary>
    public SmtpSessionInfo Info { get; }

    private CancellationToken Closed => _connection.ConnectionClosed;

    private bool TlsAvailable => _server.Certificates.Certificate is not null;

    private bool AuthAdvertised => Info.IsSecure || _server.Options.AllowAuthWithoutTls;

    private SessionFacts Facts => new(Info.IsSecure, TlsAvailable, _mode == SmtpListenerMode.StartTls, AuthAdvertised, _authenticated, Info.Identity is not null);

    /// <summary>Runs the session until QUIT, an error limit, a timeout, shutdown or the client going away.</summary>
    public async Task RunAsync()
    {
        Log.SessionStarted(_logger, Info.SessionId, Info.RemoteEndPoint.Address.ToString(), Info.LocalEndPoint.ToString(), _mode.ToString());
        try
        {
            if (_mode == SmtpListenerMode.ImplicitTls && !await TryStartTlsAsync())
            {
                return;
            }

            Info.Identity = await _server.Relay.IdentifyClientAsync(Info, Closed);
            if (!await TryGreetAsync())
            {
                return;
            }

            await CommandLoopAsync();
        }
        catch (OperationCanceledException) when (Closed.IsCancellationRequested)
        {
            _endReason = "connection closed";
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or ObjectDisposedException)
        {
            _endReason = "connection lost";
            Log.ConnectionClosedByClient(_logger);
        }
        finally
        {
            await AbandonBdatAsync();
            try
            {
                await DisposeTlsAsync();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The client may already be gone; nothing to tell it.
            }

            Log.SessionEnded(
                _logger,
                Info.SessionId,
                Info.RemoteEndPoint.Address.ToString(),
                _endReason,
                _commands,
                _messages,
                _errors,
                Info.IsSecure,
                Info.Identity is null ? "none" : $"{Info.Identity.Kind}:{Info.Identity.Account ?? Info.Identity.Tenant}",
                (long)Stopwatch.GetElapsedTime(_startTimestamp).TotalMilliseconds);
        }
    }

    /// <summary>
    /// Sends the 220 greeting, unless the client already talked: input before the greeting is refused
    /// with 554 5.5.0, as Postfix does, because a real client waits (RFC 5321 §3.1).
    /// </summary>
    private async Task<bool> TryGreetAsync()
    {
        if (_limits.GreetingDelay > TimeSpan.Zero)
        {
            await Task.Delay(_limits.GreetingDelay, _server.Time, Closed);
        }

        if (_input.TryRead(out var early))
        {
            var talkedFirst = !early.Buffer.IsEmpty;
            _input.AdvanceTo(early.Buffer.Start);
            if (talkedFirst)
            {
                Log.ProtocolViolation(_logger, "input before the greeting");
                await CloseWithAsync(SmtpReplies.UnauthorisedPipelining, "client talked before the greeting");
                return false;
            }
        }

        WriteReply(SmtpReplies.ServiceReady.WithText($"{_server.Options.ServerName} ESMTP ready"));
        await FlushAsync();
        return true;
    }

    private async Task CommandLoopAsync()
    {
        while (!_closing)
        {
            var idle = _state is SmtpState.Connected or SmtpState.Greeted;
            if (idle && _shutdown.IsCancellationRequested)
            {
                await CloseWithAsync(SmtpReplies.ShuttingDown, "shutdown");
                return;
            }

            var lineLeft = _lineStartedAt is { } lineStarted ? _limits.CommandTimeout - _server.Time.GetElapsedTime(lineStarted) : (TimeSpan?)null;
            var read = await ReadInputAsync(CommandTimeout(), includeShutdown: idle, lineLeft, SmtpReplies.CommandTooSlow);
            if (read is not { } result)
            {
                return;
            }

            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            SmtpCommand? special = null;
            var trailingInput = false;
            try
            {
                while (!_closing)
                {
                    var remaining = buffer.Slice(consumed);
                    if (_discardingLongLine)
                    {
                        var lf = remaining.PositionOf((byte)'\n');
                        consumed = lf is null ? remaining.End : remaining.GetPosition(1, lf.Value);
                        _discardingLongLine = lf is null;
                        if (lf is null)
                        {
                            break;
                        }

                        continue;
                    }

                    var window = remaining.Slice(0, Math.Min(remaining.Length, _limits.MaxCommandLineLength));
                    var reader = new SequenceReader<byte>(window);
                    if (!SmtpParser.TryParse(ref reader, out var command, out var error))
                    {
                        if (window.Length < _limits.MaxCommandLineLength)
                        {
                            break;
                        }

                        // A full window without CRLF: refuse and discard up to the next line end (RFC 5321 §4.5.3.1.4), never buffer more.
                        consumed = window.End;
                        _discardingLongLine = true;
                        Log.CommandReceived(_logger, "(line too long)");
                        WriteError(SmtpReplies.LineTooLong);
                        continue;
                    }

                    consumed = reader.Position;
                    _commands++;
                    LogCommand(window.Slice(0, reader.Consumed - 2), command);
                    if (command is null)
                    {
                        WriteError(error);
                        continue;
                    }

                    if (command is DataCommand or BdatCommand or StartTlsCommand or AuthCommand)
                    {
                        // These take over the input stream; they run after this buffer is released.
                        special = command;
                        trailingInput = buffer.Slice(consumed).Length > 0;
                        if (command is StartTlsCommand)
                        {
                            // RFC 3207 §4.2: anything pipelined after STARTTLS is discarded, never executed.
                            consumed = buffer.End;
                        }

                        break;
                    }

                    await ExecuteAsync(command);
                }

                // A command line begun but not complete: its deadline runs from the first octet seen.
                var partial = special is null && (_discardingLongLine || !buffer.Slice(consumed).IsEmpty);
                _lineStartedAt = partial ? _lineStartedAt ?? _server.Time.GetTimestamp() : null;
                if (special is not null)
                {
                    examined = consumed;
                }
                else if (result.IsCompleted)
                {
                    _closing = true;
                    _endReason = "client disconnected";
                }
            }
            finally
            {
                _input.AdvanceTo(consumed, examined);
            }

            if (special is not null && !_closing)
            {
                await ExecuteSpecialAsync(special, trailingInput);
            }

            if (special is not BdatCommand)
            {
                // Pipelining (RFC 2920): all replies to the commands of one read go out in one flush.
                await FlushAsync();
            }
        }
    }

    private async Task ExecuteAsync(SmtpCommand command)
    {
        var transition = SmtpStateTable.Lookup(_state, command.Verb);
        if (!transition.Allowed)
        {
            WriteError(SmtpStateTable.Refusal(_state, command.Verb));
            return;
        }

        if (transition.Guard?.Invoke(Facts) is { } refusal)
        {
            WriteError(refusal);
            return;
        }

        SmtpReply reply;
        try
        {
            reply = await HandleCommandAsync(command);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !Closed.IsCancellationRequested)
        {
            Log.UnexpectedError(_logger, ex, command.Verb.ToString());
            reply = SmtpReplies.LocalError;
        }

        if (reply.IsPositive)
        {
            _state = transition.Next;
            WriteReply(reply);
        }
        else
        {
            WriteError(reply);
        }
    }

    private async Task ExecuteSpecialAsync(SmtpCommand command, bool trailingInput)
    {
        var transition = SmtpStateTable.Lookup(_state, command.Verb);
        var refusal = !transition.Allowed ? SmtpStateTable.Refusal(_state, command.Verb) : transition.Guard?.Invoke(Facts);
        switch (command)
        {
            case BdatCommand bdat:
                // The chunk's octets follow the command whatever the reply; they are always read (RFC 3030 §2).
                await HandleBdatAsync(bdat, refusal);
                return;
            case DataCommand:
                await HandleDataAsync(refusal, trailingInput);
                return;
            case StartTlsCommand:
                await HandleStartTlsAsync(refusal);
                return;
            case AuthCommand auth:
                await HandleAuthAsync(auth, refusal);
                return;
        }
    }

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
    private async ValueTask<ReadResult?> ReadInputAsync(TimeSpan timeout, bool includeShutdown, TimeSpan? deadline = null, SmtpReply? deadlineReply = null)
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

        using var timeoutCts = new CancellationTokenSource(timeout, _server.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, Closed, includeShutdown ? _shutdown : CancellationToken.None);
        try
        {
            return await _input.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            if (timeoutCts.IsCancellationRequested && byDeadline && deadlineReply is { } reply && !Closed.IsCancellationRequested)
            {
                Log.ProtocolViolation(_logger, reply.Text);
                await CloseWithAsync(reply, "too slow");
                return null;
            }

            await OnReadCancelledAsync(timeoutCts.IsCancellationRequested);
            return null;
        }
    }

    /// <summary>The one place where cancellation becomes a reply: idle timeout 421 4.4.2, shutdown 421 4.3.2, closed: none.</summary>
    private async Task OnReadCancelledAsync(bool timedOut)
    {
        if (Closed.IsCancellationRequested)
        {
            _endReason = "connection closed";
            _closing = true;
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
        var lines = reply.Text.Split('\n');
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            builder.Append(reply.Code).Append(i == lines.Length - 1 ? ' ' : '-');
            if (reply.Enhanced.Length > 0)
            {
                builder.Append(reply.Enhanced).Append(' ');
            }

            builder.Append(lines[i]).Append("\r\n");
        }

        var text = builder.ToString();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.ReplySent(_logger, text.TrimEnd());
        }

        var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _output.Advance(Encoding.UTF8.GetBytes(text, span));
        _repliesPending = true;
    }

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

    /// <summary>Forgets the envelope and abandons a message being received with BDAT.</summary>
    private async ValueTask ResetTransactionAsync()
    {
        _envelope = null;
        await AbandonBdatAsync();
    }
}
