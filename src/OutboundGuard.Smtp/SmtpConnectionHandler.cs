using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Protocol;
using OutboundGuard.Smtp.Session;

namespace OutboundGuard.Smtp;

/// <summary>
/// The Kestrel connection handler serving every SMTP connection: enforces the connection limits, then
/// runs one <c>SmtpSession</c> per connection with a logging scope carrying SessionId and ClientIp.
/// Bound to listeners by <see cref="SmtpKestrelExtensions.ListenSmtp(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions, SmtpOptions, Action{SmtpListenerOptions, Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions}?)"/>.
/// </summary>
public sealed class SmtpConnectionHandler : ConnectionHandler
{
    private readonly SmtpServerContext _server;
    private readonly SmtpConnectionLimiter _limiter;
    private readonly ProxyProtocolGate _proxy;
    private readonly SmtpSessionRegistry _sessions;
    private readonly ILogger<SmtpConnectionHandler> _logger;

    public SmtpConnectionHandler(
        ISmtpRelayHandler relay,
        IOptions<SmtpOptions> options,
        SmtpCertificateLoader certificates,
        ClientCertificateTrust clientTrust,
        AuthThrottle throttle,
        SmtpConnectionLimiter limiter,
        RefusedAddressBudget refusedAddresses,
        SmtpSessionRegistry sessions,
        TimeProvider time,
        ILogger<SmtpConnectionHandler> logger)
    {
        _sessions = sessions;
        _server = new SmtpServerContext(relay, options.Value, certificates, clientTrust, throttle, limiter, refusedAddresses, time, logger);
        _limiter = limiter;
        _proxy = new ProxyProtocolGate(options.Value, time, logger);
        _logger = logger;
    }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var remote = connection.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        var local = connection.LocalEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        var listener = connection.Features.Get<SmtpListenerFeature>();
        var mode = listener?.Mode ?? SmtpListenerMode.Plain;
        if (listener?.ProxyProtocol == ProxyProtocolMode.Required)
        {
            // Behind a load balancer the client is whom the PROXY header names, not the socket's peer.
            if (await _proxy.AcceptAsync(connection, remote, local) is not { } proxied)
            {
                return;
            }

            (remote, local) = proxied;
        }

        var sessionId = connection.ConnectionId;
        using var scope = _logger.BeginScope(new SessionLogScope(sessionId, remote.Address));

        if (!_limiter.TryAcquire(remote.Address))
        {
            Log.ConnectionRefused(_logger, remote.Address.ToString(), _limiter.CountFor(remote.Address), _limiter.Total);
            SmtpMetrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", "limit"));
            await RefuseAsync(connection, SmtpReplies.TooManyConnections);
            return;
        }

        if (!_server.RefusedAddresses.TryAdmit(remote.Address))
        {
            await RefuseOverBudgetAsync(connection, remote.Address);
            return;
        }

        SmtpMetrics.Sessions.Add(1);
        SmtpMetrics.ActiveSessions.Add(1);
        try
        {
            var info = new SmtpSessionInfo { SessionId = sessionId, RemoteEndPoint = remote, LocalEndPoint = local };
            using var session = new SmtpSession(connection, _server, mode, info);
            _sessions.Add(session);
            try
            {
                await session.RunAsync();
            }
            finally
            {
                session.ReleaseAccountSlot();
                _sessions.Remove(session);
            }
        }
        finally
        {
            SmtpMetrics.ActiveSessions.Add(-1);
            _limiter.Release(remote.Address);
        }
    }

    /// <summary>
    /// An address whose sessions are all refused, over its budget of new ones: 421 before the greeting and any TLS
    /// handshake, after <see cref="SmtpLimits.RefusedAddressReplyDelay"/> with the connection's slot held, so a client
    /// reconnecting in a loop makes a few connections a second per connection it holds, each costing a timer.
    /// </summary>
    private async Task RefuseOverBudgetAsync(ConnectionContext connection, IPAddress client)
    {
        SmtpMetrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", "refused-address"));
        try
        {
            await Task.Delay(_server.Options.Limits.RefusedAddressReplyDelay, _server.Time, connection.ConnectionClosed);
            await RefuseAsync(connection, SmtpReplies.RefusedAddress);
        }
        catch (OperationCanceledException)
        {
            // The client left before its answer.
        }
        finally
        {
            _limiter.Release(client);
        }
    }

    private static async Task RefuseAsync(ConnectionContext connection, SmtpReply reply)
    {
        try
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{reply}\r\n");
            await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(text), connection.ConnectionClosed);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or OperationCanceledException)
        {
            // The client is gone already.
        }
    }
}
