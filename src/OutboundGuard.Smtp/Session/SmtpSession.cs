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

/// <summary>
/// One SMTP session: the read loop, the state machine and the replies. Command handlers live in the
/// partial files by concern (Commands, Data, Bdat, StartTls, Auth, Io).
/// </summary>
internal sealed partial class SmtpSession : IDisposable
{
    private readonly ConnectionContext _connection;
    private readonly SmtpServerContext _server;
    private readonly SmtpListenerMode _mode;
    private readonly SmtpLimits _limits;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;
    private readonly long _startTimestamp;
    private readonly bool _relayNeverBlocks;
    private readonly ReadTimeout _readTimeout;

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

    /// <summary>
    /// Set when the relay's policy refused the last MAIL FROM (a throttled or suspended account) until the next MAIL FROM
    /// or RSET. That refusal is an answer about the account, not a client error, and neither are the 503s of the RCPT TO
    /// and DATA a pipelining client sent behind it: none counts towards <see cref="SmtpLimits.MaxErrors"/>, so an MTA
    /// that moves on to its next queued message in the same session after a 451 keeps its session.
    /// </summary>
    private bool _transactionRefused;
    private bool _mailAccepted;
    private bool _mailRefused;
    private int _commands;
    private int _messages;
    private bool _authenticated;
    private string? _accountSlot;

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
        _relayNeverBlocks = server.Relay.NeverBlocks;
        _readTimeout = new ReadTimeout(server.Time, connection.ConnectionClosed, _shutdown);
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
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // Its arguments are strings made for it: not made per session when nobody reads them.
            Log.SessionStarted(_logger, Info.SessionId, Info.RemoteEndPoint.Address.ToString(), Info.LocalEndPoint.ToString(), _mode.ToString());
        }

        try
        {
            if (_mode == SmtpListenerMode.ImplicitTls && !await TryStartTlsAsync())
            {
                return;
            }

            await LeaveSocketThreadAsync();
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
            if (_logger.IsEnabled(LogLevel.Information))
            {
                // The session's log entry is written where writing may block (a console, a file), never on the socket's thread.
                await LeaveSocketThreadAsync(evenIfRelayNeverBlocks: true);
            }

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

    public void Dispose() => _readTimeout.Dispose();

    /// <summary>
    /// Whether this session sends for <paramref name="account"/>: its AUTH or certificate identity is that account, or
    /// (connector sessions) its transaction's sender is. Thread-safe; called from outside the session.
    /// </summary>
    public bool SendsFor(string account)
        => string.Equals(Info.Identity?.Account, account, StringComparison.OrdinalIgnoreCase)
            || string.Equals(Volatile.Read(ref _envelope)?.ReversePath, account, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Ends the session with 421 4.7.1 at its next command read (at once when it is waiting for one); a message being
    /// received (DATA content, BDAT chunks) is finished and answered first. Thread-safe.
    /// </summary>
    public void RequestEnd() => _readTimeout.RequestEnd();

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
            // A suspension ends the session between commands, never inside a message (DATA content or BDAT chunks).
            var read = await ReadInputAsync(CommandTimeout(), includeShutdown: idle, lineLeft, SmtpReplies.CommandTooSlow, includeEndRequest: _state != SmtpState.ReceivingBdat);
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

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ExecuteAsync(SmtpCommand command)
    {
        var transition = SmtpStateTable.Lookup(_state, command.Verb);
        if (!transition.Allowed)
        {
            if (_transactionRefused && command.Verb is SmtpVerb.Rcpt or SmtpVerb.Data or SmtpVerb.Bdat)
            {
                WriteReply(SmtpStateTable.Refusal(_state, command.Verb));
            }
            else
            {
                WriteError(SmtpStateTable.Refusal(_state, command.Verb));
            }

            return;
        }

        if (transition.Guard?.Invoke(Facts) is { } refusal)
        {
            WriteError(refusal);
            return;
        }

        SmtpReply reply;
        if (command.Verb is SmtpVerb.Mail or SmtpVerb.Rset)
        {
            _transactionRefused = false;
        }

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
        else if (_transactionRefused && command.Verb == SmtpVerb.Mail)
        {
            WriteReply(reply);
        }
        else
        {
            WriteError(reply);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ExecuteSpecialAsync(SmtpCommand command, bool trailingInput)
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

    /// <summary>
    /// Tells <see cref="RefusedAddressBudget"/> the session's first accepted and first refused MAIL FROM: an address whose
    /// sessions are all refused gets a budget of new sessions, one with mail accepted never does.
    /// </summary>
    private void NoteMailFromOutcome(bool accepted)
    {
        if (accepted && !_mailAccepted)
        {
            _mailAccepted = true;
            _server.RefusedAddresses.NoteAccepted(Info.RemoteEndPoint.Address);
        }
        else if (!accepted && !_mailRefused)
        {
            _mailRefused = true;
            _server.RefusedAddresses.NoteRefused(Info.RemoteEndPoint.Address);
        }
    }

    /// <summary>Forgets the envelope and abandons a message being received with BDAT.</summary>
    private async ValueTask ResetTransactionAsync()
    {
        _envelope = null;
        await AbandonBdatAsync();
    }
}
