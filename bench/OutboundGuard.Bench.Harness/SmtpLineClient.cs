using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace OutboundGuard.Bench;

/// <summary>A minimal SMTP client over a socket: reads whole (multi-line) replies, writes raw octets, can start TLS.</summary>
internal sealed class SmtpLineClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    private SmtpLineClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>, from <paramref name="bind"/> when given (any address of 127.0.0.0/8).</summary>
    public static async Task<SmtpLineClient> ConnectAsync(int port, IPAddress? bind, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (bind is not null)
            {
                socket.Bind(new IPEndPoint(bind, 0));
            }

            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new SmtpLineClient(socket);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _stream.WriteAsync(data, cancellationToken);

    public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken) => _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);

    /// <summary>
    /// Runs the client side of the TLS handshake after a 220 to STARTTLS (RFC 3207) and reads and writes through it from
    /// then on. The server's certificate is not checked: the benchmark's servers use self-signed ones. With
    /// <paramref name="resume"/> the runtime offers the session it last got from <paramref name="serverName"/> (TLS 1.3
    /// ticket), as an MTA with a TLS session cache does (Postfix's smtp_tls_session_cache_database); without, every
    /// handshake is a full one.
    /// </summary>
    public async Task StartTlsAsync(string serverName, bool resume, CancellationToken cancellationToken)
    {
        _start = _end = 0;
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
#pragma warning disable CA5359 // self-signed certificates of private benchmark servers on 127.0.0.1
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            AllowTlsResume = resume,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, cancellationToken);
#pragma warning restore CA5359
        _stream = tls;
    }

    /// <summary>Reads one reply (all its lines) and returns its code.</summary>
    public async Task<int> ReadReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line.Length < 3)
            {
                throw new IOException($"bad reply line '{line}'");
            }

            if (line.Length == 3 || line[3] != '-')
            {
                return int.Parse(line.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            for (var i = _start; i < _end; i++)
            {
                if (_buffer[i] == '\n')
                {
                    line.Append(Encoding.ASCII.GetString(_buffer, _start, i - _start));
                    _start = i + 1;
                    return line.ToString().TrimEnd('\r');
                }
            }

            line.Append(Encoding.ASCII.GetString(_buffer, _start, _end - _start));
            _start = 0;
            _end = await _stream.ReadAsync(_buffer, cancellationToken);
            if (_end == 0)
            {
                throw new IOException("connection closed by the server");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
