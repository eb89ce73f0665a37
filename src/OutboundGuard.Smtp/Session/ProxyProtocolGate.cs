using System.Buffers;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// On a listener with <see cref="ProxyProtocolMode.Required"/>: refuses peers that are not trusted load
/// balancers, reads the PROXY header of those that are, and returns the original client's addresses.
/// </summary>
internal sealed class ProxyProtocolGate(SmtpOptions options, TimeProvider time, ILogger logger)
{
    private static readonly SmtpReply NotThroughBalancer = new(554, "5.7.1", "This listener accepts connections only through the load balancer");
    private static readonly SmtpReply BadHeader = new(421, "4.7.0", "PROXY protocol header missing or invalid; closing connection");

    private readonly TrustedProxyList _trusted = new(options.TrustedProxies);

    /// <summary>
    /// Returns the client's and local endpoints to use, or null when the connection was refused (a reply was
    /// written; the caller just returns, which closes it).
    /// </summary>
    public async Task<(IPEndPoint Remote, IPEndPoint Local)?> AcceptAsync(ConnectionContext connection, IPEndPoint remote, IPEndPoint local)
    {
        if (!_trusted.Contains(remote.Address))
        {
            Log.ProxyUntrusted(logger, remote.Address.ToString());
            SmtpMetrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", "proxy"));
            await ReplyAsync(connection, NotThroughBalancer);
            return null;
        }

        using var timeout = new CancellationTokenSource(options.ProxyHeaderTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, connection.ConnectionClosed);
        var input = connection.Transport.Input;
        string why;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(linked.Token);
                var buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                var outcome = ProxyProtocolReader.TryParse(ref reader, out var header, out var error);
                if (outcome == ProxyParse.Parsed)
                {
                    input.AdvanceTo(reader.Position);
                    if (header!.Source is null)
                    {
                        return (remote, local);
                    }

                    Log.ProxyHeaderAccepted(logger, remote.Address.ToString(), header.Source.Address.ToString(), header.Source.Port);
                    return (Normalize(header.Source), header.Destination is null ? local : Normalize(header.Destination));
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (outcome == ProxyParse.Invalid)
                {
                    why = error!;
                    break;
                }

                if (result.IsCompleted)
                {
                    why = "connection closed before the PROXY header was complete";
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            why = $"no PROXY header within {options.ProxyHeaderTimeout.TotalSeconds:0.#} s";
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        Log.ProxyHeaderRefused(logger, remote.Address.ToString(), why);
        SmtpMetrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", "proxy"));
        await ReplyAsync(connection, BadHeader);
        return null;
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint)
        => endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private static async Task ReplyAsync(ConnectionContext connection, SmtpReply reply)
    {
        try
        {
            var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{reply}\r\n");
            await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(text), connection.ConnectionClosed);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or OperationCanceledException)
        {
            // The peer is gone already.
        }
    }
}
