using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Session;

namespace OutboundGuard.Smtp.Hosting;

/// <summary>
/// Kestrel's socket transport for the SMTP listeners only (endpoints bound by <see cref="SmtpKestrelExtensions"/>),
/// tuned for a protocol of many small round trips: SMTP without pipelining costs one round trip per command, so
/// every thread hop between the socket and the session is paid several times per message.
/// <list type="bullet">
/// <item>Inline scheduling: the session runs on the thread that completed the socket read and sends its replies
/// from that thread, instead of hopping to the thread pool on input and to an I/O queue on output.</item>
/// <item>Inline socket completions for plaintext connections (<see cref="SocketCompletions"/>): the read completes on
/// the socket event thread itself rather than being handed to a pool thread first. The session leaves that thread
/// before calling into the relay where it may block, and turns this off once TLS starts.</item>
/// </list>
/// Other endpoints (HTTP) keep the host's transport. The host's <see cref="SocketTransportOptions"/> (backlog,
/// buffer sizes, queues) apply here too.
/// </summary>
internal sealed class SmtpTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _sockets;

    public SmtpTransportFactory(IOptions<SocketTransportOptions> hostOptions, ILoggerFactory loggerFactory)
    {
        var host = hostOptions.Value;
        var options = new SocketTransportOptions
        {
            UnsafePreferInlineScheduling = true,
            IOQueueCount = host.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = host.WaitForDataBeforeAllocatingBuffer,
            NoDelay = host.NoDelay,
            Backlog = host.Backlog,
            MaxReadBufferSize = host.MaxReadBufferSize,
            MaxWriteBufferSize = host.MaxWriteBufferSize,
            CreateBoundListenSocket = host.CreateBoundListenSocket,
        };
        _sockets = new SocketTransportFactory(Options.Create(options), loggerFactory);
    }

    public bool CanBind(EndPoint endpoint) => endpoint is SmtpEndPoint;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var smtp = (SmtpEndPoint)endpoint;
        var listener = await _sockets.BindAsync(new IPEndPoint(smtp.Address, smtp.Port), cancellationToken);
        return new Listener(listener, smtp.InlineCompletions);
    }

    private sealed class Listener(IConnectionListener inner, bool inlineCompletions) : IConnectionListener
    {
        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            var connection = await inner.AcceptAsync(cancellationToken);
            if (connection is not null && inlineCompletions)
            {
                SocketCompletions.TrySetInline(connection, true);
            }

            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
