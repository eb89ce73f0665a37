using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>
/// A small SMTP server over raw sockets for the replies smtp-sink cannot script per recipient: each MAIL,
/// RCPT and DATA reply comes from a function, and the DATA content is kept byte for byte (dot-unstuffed
/// only), so tests can check exactly what the relay sent. Opt-in, for the client's side of the protocol:
/// a chosen EHLO keyword list, STARTTLS and implicit TLS, AUTH PLAIN and LOGIN, EHLO refused, replies held
/// until DATA; each connection's commands are recorded in <see cref="Sessions"/>.
/// </summary>
public sealed partial class ScriptedSmtpServer : IAsyncDisposable
{
    private static readonly string[] DefaultCapabilities = ["8BITMIME", "ENHANCEDSTATUSCODES", "SIZE 50000000"];

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

    /// <summary>
    /// EHLO keywords, one per reply line ("PIPELINING", "AUTH PLAIN LOGIN", "SIZE 1000"); null (the default) for
    /// 8BITMIME, ENHANCEDSTATUSCODES and SIZE 50000000. With "STARTTLS" the server does STARTTLS, and no longer
    /// offers it once TLS is on (RFC 3207 §4.2); with "AUTH ..." and <see cref="Username"/> it does those mechanisms.
    /// </summary>
    public IReadOnlyList<string>? Capabilities { get; set; }

    /// <summary>TLS from the first byte (RFC 8314 §3.3), before the greeting. Default false.</summary>
    public bool ImplicitTls { get; set; }

    /// <summary>The certificate for STARTTLS and implicit TLS; defaults to <see cref="LoopbackCertificate.Instance"/>.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// With a user name, AUTH (the offered mechanisms of PLAIN and LOGIN) checks it and <see cref="Password"/>,
    /// 235 or 535, and MAIL before a successful AUTH is 530. Default null: AUTH is an unknown command.
    /// </summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Answer EHLO with 502, as a server from before RFC 1869: the client has to say HELO. Default false.</summary>
    public bool RefuseEhlo { get; set; }

    /// <summary>
    /// Hold the replies to MAIL and RCPT until the DATA line has arrived, then send them with DATA's reply in one
    /// write. A client that pipelines MAIL, RCPT and DATA as one group (RFC 2920 §3.1) gets through; one that waits
    /// for the MAIL reply first waits in vain. DATA without an accepted recipient is then 554. Default false.
    /// </summary>
    public bool AnswerOnlyAfterData { get; set; }

    /// <summary>Messages for which DATA was accepted (2xx).</summary>
    public ConcurrentQueue<ScriptedMessage> Received { get; } = new();

    /// <summary>Every connection accepted so far, in order.</summary>
    public ConcurrentQueue<ScriptedSession> Sessions { get; } = new();

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private IReadOnlyList<string> Keywords => Capabilities ?? DefaultCapabilities;

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
        var session = new ScriptedSession();
        Sessions.Enqueue(session);
        Stream stream = new NetworkStream(socket);
        string from = "";
        var mailAccepted = false;
        var authenticated = false;
        var recipients = new List<string>();
        var held = new StringBuilder();
        async Task SendAsync(string reply)
        {
            // Held replies go out first, in the same write.
            held.Append(reply).Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(held.ToString()));
            held.Clear();
        }

        async Task AnswerAsync(string reply)
        {
            if (AnswerOnlyAfterData)
            {
                held.Append(reply).Append("\r\n");
            }
            else
            {
                await SendAsync(reply);
            }
        }

        try
        {
            if (ImplicitTls)
            {
                stream = await StartTlsAsync(stream);
                session.TlsStarted();
            }

            var reader = new LineReader(stream);
            await SendAsync("220 scripted ESMTP");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                session.Command(line);
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" when RefuseEhlo:
                        await SendAsync("502 5.5.1 Error: command not implemented");
                        break;
                    case "EHLO":
                        await SendAsync(EhloReply(session.IsTls));
                        break;
                    case "HELO":
                    case "NOOP":
                        await SendAsync("250 2.0.0 Ok");
                        break;
                    case "STARTTLS" when Offers("STARTTLS") && !session.IsTls:
                        await SendAsync("220 2.0.0 Ready to start TLS");
                        stream = await StartTlsAsync(stream);
                        session.TlsStarted();

                        // RFC 3207 §4.2: what came before the handshake is discarded, and the session starts over.
                        reader = new LineReader(stream);
                        (from, mailAccepted, authenticated) = ("", false, false);
                        recipients.Clear();
                        break;
                    case "AUTH" when Username is not null:
                        authenticated = await AuthenticateAsync(line, reader, session, SendAsync);
                        break;
                    case "RSET":
                        (from, mailAccepted) = ("", false);
                        recipients.Clear();
                        await SendAsync("250 2.0.0 Ok");
                        break;
                    case "MAIL":
                        from = Path(line);
                        recipients.Clear();
                        var mailReply = Username is not null && !authenticated ? "530 5.7.0 Authentication required" : OnMail(from);
                        mailAccepted = mailReply.StartsWith('2');
                        await AnswerAsync(mailReply);
                        break;
                    case "RCPT" when AnswerOnlyAfterData && !mailAccepted:
                        await AnswerAsync("503 5.5.1 Error: need MAIL command");
                        break;
                    case "RCPT":
                        var to = Path(line);
                        var reply = OnRcpt(to);
                        if (reply.StartsWith('2'))
                        {
                            recipients.Add(to);
                        }

                        await AnswerAsync(reply);
                        break;
                    case "DATA" when AnswerOnlyAfterData && recipients.Count == 0:
                        await SendAsync("554 5.5.1 Error: no valid recipients");
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
            // Client went away (or failed the TLS handshake).
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private string EhloReply(bool tls)
    {
        // RFC 3207 §4.2: STARTTLS is not offered again on a TLS connection.
        string[] lines = ["scripted", .. Keywords.Where(k => !(tls && k.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)))];
        return string.Join("\r\n", lines.Select((text, i) => (i == lines.Length - 1 ? "250 " : "250-") + text));
    }

    private bool Offers(string keyword) =>
        Keywords.Any(k => k.Split(' ')[0].Equals(keyword, StringComparison.OrdinalIgnoreCase));

    private async Task<Stream> StartTlsAsync(Stream inner)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate ?? LoopbackCertificate.Instance }, _stop.Token);
        return tls;
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
