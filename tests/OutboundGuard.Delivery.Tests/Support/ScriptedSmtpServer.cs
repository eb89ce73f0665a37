using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>
/// A small SMTP server over raw sockets for the replies smtp-sink cannot script per recipient: each MAIL,
/// RCPT and DATA reply comes from a function, and the DATA content is kept byte for byte (dot-unstuffed
/// only), so tests can check exactly what the relay sent.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private int _connections;

    public ScriptedSmtpServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Reply to MAIL FROM given the reverse-path; default 250.</summary>
    public Func<string, string> OnMail { get; set; } = _ => "250 2.1.0 Ok";

    /// <summary>Reply to RCPT TO given the forward-path; default 250.</summary>
    public Func<string, string> OnRcpt { get; set; } = _ => "250 2.1.5 Ok";

    /// <summary>Reply after the end of DATA; default 250.</summary>
    public Func<byte[], string> OnData { get; set; } = _ => "250 2.0.0 Ok: queued";

    /// <summary>Messages for which DATA was accepted (2xx).</summary>
    public ConcurrentQueue<ScriptedMessage> Received { get; } = new();

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket);
        var reader = new LineReader(stream);
        string from = "";
        var recipients = new List<string>();
        async Task SendAsync(string reply) => await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"));
        try
        {
            await SendAsync("220 scripted ESMTP");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await SendAsync("250-scripted\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SIZE 50000000");
                        break;
                    case "HELO":
                    case "NOOP":
                        await SendAsync("250 2.0.0 Ok");
                        break;
                    case "RSET":
                        from = "";
                        recipients.Clear();
                        await SendAsync("250 2.0.0 Ok");
                        break;
                    case "MAIL":
                        from = Path(line);
                        recipients.Clear();
                        await SendAsync(OnMail(from));
                        break;
                    case "RCPT":
                        var to = Path(line);
                        var reply = OnRcpt(to);
                        if (reply.StartsWith('2'))
                        {
                            recipients.Add(to);
                        }

                        await SendAsync(reply);
                        break;
                    case "DATA":
                        await SendAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = await reader.ReadDataAsync(_stop.Token);
                        var dataReply = OnData(data);
                        if (dataReply.StartsWith('2'))
                        {
                            Received.Enqueue(new ScriptedMessage(from, [.. recipients], data));
                        }

                        await SendAsync(dataReply);
                        break;
                    case "QUIT":
                        await SendAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await SendAsync("502 5.5.2 Error: command not recognized");
                        break;
                }
            }
        }
        catch (Exception)
        {
            // Client went away.
        }
    }

    private static string Path(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : "";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }

    /// <summary>Reads CRLF lines and DATA content from a stream, byte-exact.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly MemoryStream _pending = new();

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var bytes = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
                var end = bytes.IndexOf("\r\n"u8);
                if (end >= 0)
                {
                    var line = Encoding.UTF8.GetString(bytes[..end]);
                    Consume(end + 2);
                    return line;
                }

                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }
        }

        /// <summary>DATA content up to CRLF.CRLF, dot-unstuffed (RFC 5321 §4.5.2), otherwise unchanged.</summary>
        public async Task<byte[]> ReadDataAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var bytes = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
                int end;
                if (bytes.StartsWith(".\r\n"u8))
                {
                    Consume(3);
                    return [];
                }

                if ((end = bytes.IndexOf("\r\n.\r\n"u8)) >= 0)
                {
                    var raw = bytes[..(end + 2)].ToArray();
                    Consume(end + 5);
                    return Unstuff(raw);
                }

                if (!await FillAsync(cancellationToken))
                {
                    throw new EndOfStreamException();
                }
            }
        }

        private static byte[] Unstuff(byte[] raw)
        {
            var output = new MemoryStream(raw.Length);
            var lineStart = true;
            for (var i = 0; i < raw.Length; i++)
            {
                if (lineStart && raw[i] == (byte)'.')
                {
                    lineStart = false;
                    continue;
                }

                output.WriteByte(raw[i]);
                lineStart = raw[i] == (byte)'\n' && i > 0 && raw[i - 1] == (byte)'\r';
            }

            return output.ToArray();
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            var read = await stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                return false;
            }

            _pending.Seek(0, SeekOrigin.End);
            _pending.Write(_buffer, 0, read);
            return true;
        }

        private void Consume(int count)
        {
            var rest = _pending.GetBuffer().AsSpan(count, (int)_pending.Length - count).ToArray();
            _pending.SetLength(0);
            _pending.Write(rest);
        }
    }
}
