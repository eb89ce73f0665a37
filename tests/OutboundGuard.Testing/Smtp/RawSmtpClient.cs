using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace OutboundGuard.Testing.Smtp;

/// <summary>
/// A byte-level SMTP client for tests: sends exactly the bytes given and reads replies exactly as sent,
/// so tests can check framing, pipelining and smuggling. Every read has a real-time deadline so a
/// server that fails to answer fails the test instead of hanging it.
/// </summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Stream _stream;
    private int _start;
    private int _end;

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>How long a read waits before failing.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Connects to <paramref name="endPoint"/> without reading the greeting.</summary>
    public static async Task<RawSmtpClient> ConnectAsync(IPEndPoint endPoint)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endPoint.Address, endPoint.Port);
        return new RawSmtpClient(tcp);
    }

    /// <summary>
    /// Connects from <paramref name="localAddress"/> (any address of 127.0.0.0/8 works on Linux: the whole
    /// block is loopback), so tests can act as many different clients.
    /// </summary>
    public static async Task<RawSmtpClient> ConnectFromAsync(IPAddress localAddress, IPEndPoint endPoint)
    {
        var tcp = new TcpClient(new IPEndPoint(localAddress, 0)) { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endPoint.Address, endPoint.Port);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }

        return new RawSmtpClient(tcp);
    }

    /// <summary>Sends the string's UTF-8 octets as they are (no CRLF added).</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends the octets in one write (usually one TCP segment).</summary>
    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one whole reply, multi-line included, exactly as sent, CRLFs included.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var reply = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException($"Connection closed while reading a reply; got so far: {reply}");
            reply.Append(line).Append("\r\n");
            if (line.Length < 4 || line[3] != '-')
            {
                return reply.ToString();
            }
        }
    }

    /// <summary>Sends a command line (CRLF added) and reads its reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one line without its CRLF; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var length = lf - _start;
                var line = Encoding.UTF8.GetString(_buffer, _start, length > 0 && _buffer[lf - 1] == '\r' ? length - 1 : length);
                _start = lf + 1;
                return line;
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    /// <summary>True when the server closes the connection (after any unread octets) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        try
        {
            while (await FillAsync())
            {
                _start = _end;
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>True when nothing arrives within <paramref name="wait"/> (the connection stays open and silent).</summary>
    public async Task<bool> IsSilentForAsync(TimeSpan wait)
    {
        if (_end > _start)
        {
            return false;
        }

        using var cts = new CancellationTokenSource(wait);
        try
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(0), cts.Token);
            _start = 0;
            _end = read;
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>Starts TLS on the connection (after the server's 220 to STARTTLS, or at once for implicit TLS), accepting any server certificate.</summary>
    public async Task StartTlsAsync(string targetHost = "localhost")
    {
        if (_end > _start)
        {
            throw new InvalidOperationException("Unread plain-text octets before TLS.");
        }

        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        _stream = tls;
    }

    private async Task<bool> FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        using var cts = new CancellationTokenSource(Timeout);
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No data from the server within {Timeout}.");
        }

        _end += read;
        return read > 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
