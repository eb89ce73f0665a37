using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>How a <see cref="FaultySmarthost"/> misbehaves.</summary>
public enum SmarthostFault
{
    /// <summary>Greets after a long delay and answers every command late.</summary>
    Slow,

    /// <summary>Answers with bytes that are not SMTP.</summary>
    Garbage,

    /// <summary>Accepts the connection and closes it at once.</summary>
    HangUp,

    /// <summary>Greets, then answers every command 421 (service not available).</summary>
    TempFail,
}

/// <summary>A scripted TCP server on a loopback port that plays a broken smarthost. Bounded: it stops when disposed.</summary>
public sealed class FaultySmarthost : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public FaultySmarthost(int port, SmarthostFault fault, TimeSpan? delay = null)
    {
        Port = port;
        Fault = fault;
        Delay = delay ?? TimeSpan.FromSeconds(5);
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public SmarthostFault Fault { get; }

    public TimeSpan Delay { get; }

    /// <summary>How many connections the relay made to it.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                switch (Fault)
                {
                    case SmarthostFault.HangUp:
                        return;
                    case SmarthostFault.Garbage:
                        await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\n\0\x01\x02\xff garbage\r\n"u8.ToArray(), _stop.Token);
                        await ReadAndAnswerAsync(stream, "\x7f\x00 nonsense \r\n", _stop.Token);
                        return;
                    case SmarthostFault.Slow:
                        await Task.Delay(Delay, _stop.Token);
                        await stream.WriteAsync("220 slow.test ESMTP\r\n"u8.ToArray(), _stop.Token);
                        await ReadAndAnswerAsync(stream, null, _stop.Token);
                        return;
                    case SmarthostFault.TempFail:
                        await stream.WriteAsync("220 busy.test ESMTP\r\n"u8.ToArray(), _stop.Token);
                        await ReadAndAnswerAsync(stream, "421 4.3.2 Service not available\r\n", _stop.Token);
                        return;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Answers each line with <paramref name="answer"/>, or after <see cref="Delay"/> with a 250 when null; at most 100 lines.</summary>
    private async Task ReadAndAnswerAsync(NetworkStream stream, string? answer, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        for (var i = 0; i < 100; i++)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }

            if (answer is null)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            await stream.WriteAsync(Encoding.Latin1.GetBytes(answer ?? "250 ok\r\n"), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
