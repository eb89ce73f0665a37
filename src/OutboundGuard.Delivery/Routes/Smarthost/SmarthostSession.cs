using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>
/// One SMTP connection to a smarthost, the relay's own client (RFC 5321): greeting, EHLO (HELO when EHLO is
/// refused), STARTTLS (RFC 3207) or TLS from the first octet, AUTH PLAIN or LOGIN (RFC 4954), then mail
/// transactions. With PIPELINING (RFC 2920) MAIL FROM, every RCPT TO and DATA go out in one write and their
/// replies are read in turn; the content goes out as spooled, dot-stuffed, with its terminator in the same
/// write. Every read and write is bounded by the command timeout. A session that saw an I/O error, a timeout,
/// a protocol error or a 421 is no longer <see cref="IsUsable"/>.
/// </summary>
internal sealed class SmarthostSession : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly TimeSpan _timeout;
    private readonly SmarthostReplyReader _replies;
    private Stream _stream;
    private bool _broken;

    private SmarthostSession(Socket socket, Stream stream, TimeSpan timeout)
    {
        _socket = socket;
        _stream = stream;
        _timeout = timeout;
        _replies = new SmarthostReplyReader(stream);
    }

    public SmarthostCapabilities Capabilities { get; private set; } = SmarthostCapabilities.None;

    /// <summary>Whether the connection is under TLS.</summary>
    public bool IsEncrypted => _stream is SslStream;

    /// <summary>Whether the session can carry another transaction.</summary>
    public bool IsUsable => !_broken && _socket.Connected;

    /// <summary>Transactions sent over this session.</summary>
    public int Sent { get; set; }

    /// <summary>When the session was last returned to the pool (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastUsed { get; set; }

    /// <summary>
    /// Connects and sets the session up. Throws <see cref="SmarthostReplyException"/> when the smarthost refuses a step,
    /// <see cref="SmarthostProtocolException"/> when it cannot be used as configured, and I/O, socket or
    /// <see cref="TimeoutException"/> otherwise.
    /// </summary>
    public static async Task<SmarthostSession> OpenAsync(SmarthostOptions options, string localDomain, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SmarthostSession? session = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            timeout.CancelAfter(options.CommandTimeout);
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Tls == SmtpTlsMode.Implicit)
            {
                stream = await HandshakeAsync(stream, options, timeout.Token).ConfigureAwait(false);
            }

            session = new SmarthostSession(socket, stream, options.CommandTimeout);
            await session.SetUpAsync(options, localDomain, timeout, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await Dispose(session, socket).ConfigureAwait(false);
            throw new TimeoutException($"no answer from {options.Host}:{options.Port} within {options.CommandTimeout.TotalSeconds:0.#} s");
        }
        catch
        {
            await Dispose(session, socket).ConfigureAwait(false);
            throw;
        }

        static async Task Dispose(SmarthostSession? session, Socket socket)
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }
        }
    }

    private async Task SetUpAsync(SmarthostOptions options, string localDomain, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        Expect("greeting", await ReadAsync(timeout).ConfigureAwait(false), 220);
        await HelloAsync(localDomain, timeout).ConfigureAwait(false);
        if (options.Tls is SmtpTlsMode.StartTls or SmtpTlsMode.StartTlsWhenAvailable)
        {
            if (Capabilities.StartTls)
            {
                await WriteAsync("STARTTLS\r\n", timeout).ConfigureAwait(false);
                Expect("STARTTLS", await ReadAsync(timeout).ConfigureAwait(false), 220);
                timeout.CancelAfter(_timeout);
                _stream = await HandshakeAsync(_stream, options, timeout.Token).ConfigureAwait(false);
                _replies.SwitchTo(_stream);

                // RFC 3207 §4.2: everything learnt before the handshake is forgotten.
                await HelloAsync(localDomain, timeout).ConfigureAwait(false);
            }
            else if (options.Tls == SmtpTlsMode.StartTls)
            {
                throw new SmarthostProtocolException("the smarthost does not offer STARTTLS, which Tls=StartTls requires");
            }
        }

        if (!string.IsNullOrEmpty(options.Username))
        {
            await SmarthostLogin.AuthenticateAsync(this, options, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HelloAsync(string localDomain, CancellationTokenSource timeout)
    {
        await WriteAsync($"EHLO {localDomain}\r\n", timeout).ConfigureAwait(false);
        var ehlo = await ReadAsync(timeout).ConfigureAwait(false);
        if (ehlo.IsPositive)
        {
            Capabilities = SmarthostCapabilities.Parse(ehlo.Text);
            return;
        }

        if (!ehlo.IsPermanent)
        {
            throw new SmarthostReplyException("EHLO", ehlo);
        }

        // RFC 5321 §3.2: a server that does not know EHLO answers 5xx; HELO then, without extensions.
        await WriteAsync($"HELO {localDomain}\r\n", timeout).ConfigureAwait(false);
        Expect("HELO", await ReadAsync(timeout).ConfigureAwait(false), 250);
        Capabilities = SmarthostCapabilities.None;
    }

    private static async Task<Stream> HandshakeAsync(Stream stream, SmarthostOptions options, CancellationToken cancellationToken)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions { TargetHost = options.Host };
        if (options.AcceptSelfSignedCertificate)
        {
            // Validated at start: only for a loopback smarthost (tests, a smarthost on the same machine).
#pragma warning disable CA5359
            authentication.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        await tls.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        return tls;
    }

    /// <summary>
    /// Sends one mail transaction for <paramref name="recipients"/> and collects the replies; after a refused
    /// transaction the session is reset (RSET) for the next one. Throws on I/O errors, timeouts and protocol errors:
    /// then nothing is known to be delivered.
    /// </summary>
    public async Task<TransactionReplies> SendAsync(QueuedMessage message, IReadOnlyList<string> recipients, Stream content, bool eightBit, bool smtpUtf8, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var mail = EnvelopeCommands.MailFrom(message, Capabilities, eightBit, smtpUtf8, content.Length);
            var replies = new List<SmarthostReply>(recipients.Count);
            SmarthostReply mailReply;
            SmarthostReply? data = null;
            if (Capabilities.Pipelining)
            {
                var group = new StringBuilder(mail);
                foreach (var recipient in recipients)
                {
                    group.Append(EnvelopeCommands.RcptTo(message, recipient, Capabilities, smtpUtf8));
                }

                await WriteAsync(group.Append("DATA\r\n").ToString(), timeout).ConfigureAwait(false);
                mailReply = await ReadAsync(timeout).ConfigureAwait(false);
                foreach (var _ in recipients)
                {
                    replies.Add(await ReadAsync(timeout).ConfigureAwait(false));
                }

                data = await ReadAsync(timeout).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(mail, timeout).ConfigureAwait(false);
                mailReply = await ReadAsync(timeout).ConfigureAwait(false);
                if (!mailReply.IsPositive)
                {
                    await ResetAsync(timeout).ConfigureAwait(false);
                    return new TransactionReplies(mailReply, [], null, null);
                }

                foreach (var recipient in recipients)
                {
                    await WriteAsync(EnvelopeCommands.RcptTo(message, recipient, Capabilities, smtpUtf8), timeout).ConfigureAwait(false);
                    replies.Add(await ReadAsync(timeout).ConfigureAwait(false));
                }

                if (replies.Exists(r => r.IsPositive))
                {
                    await WriteAsync("DATA\r\n", timeout).ConfigureAwait(false);
                    data = await ReadAsync(timeout).ConfigureAwait(false);
                }
            }

            if (data is not { IsStartMailInput: true })
            {
                await ResetAsync(timeout).ConfigureAwait(false);
                return new TransactionReplies(mailReply, replies, mailReply.IsPositive && replies.Exists(r => r.IsPositive) ? data : null, null);
            }

            if (!mailReply.IsPositive || !replies.Exists(r => r.IsPositive))
            {
                // A server that invites content for a transaction without sender or recipients: end it empty.
                await WriteAsync(".\r\n", timeout).ConfigureAwait(false);
                await ReadAsync(timeout).ConfigureAwait(false);
                await ResetAsync(timeout).ConfigureAwait(false);
                return new TransactionReplies(mailReply, replies, null, null);
            }

            await DotStuffedContent.WriteAsync(content, _stream, () => timeout.CancelAfter(_timeout), timeout.Token).ConfigureAwait(false);
            var final = await ReadAsync(timeout).ConfigureAwait(false);
            if (!final.IsPositive)
            {
                await ResetAsync(timeout).ConfigureAwait(false);
            }

            return new TransactionReplies(mailReply, replies, data, final);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new TimeoutException($"no answer from the smarthost within {_timeout.TotalSeconds:0.#} s");
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    /// <summary>NOOP, to check an idle pooled session before reuse.</summary>
    public async Task NoOpAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await WriteAsync("NOOP\r\n", timeout).ConfigureAwait(false);
            Expect("NOOP", await ReadAsync(timeout).ConfigureAwait(false), 250);
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    /// <summary>RSET after a refused transaction; a session whose RSET fails is not reused.</summary>
    private async Task ResetAsync(CancellationTokenSource timeout)
    {
        if (_broken)
        {
            return;
        }

        await WriteAsync("RSET\r\n", timeout).ConfigureAwait(false);
        _broken = !(await ReadAsync(timeout).ConfigureAwait(false)).IsPositive;
    }

    internal async Task WriteAsync(string command, CancellationTokenSource timeout)
    {
        var length = Encoding.UTF8.GetByteCount(command);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Encoding.UTF8.GetBytes(command, buffer);
            timeout.CancelAfter(_timeout);
            await _stream.WriteAsync(buffer.AsMemory(0, length), timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal async Task<SmarthostReply> ReadAsync(CancellationTokenSource timeout)
    {
        timeout.CancelAfter(_timeout);
        var reply = await _replies.ReadAsync(timeout.Token).ConfigureAwait(false);
        if (reply.IsClosing)
        {
            _broken = true;
        }

        return reply;
    }

    internal static void Expect(string command, SmarthostReply reply, int code)
    {
        if (reply.Code != code)
        {
            throw new SmarthostReplyException(command, reply);
        }
    }

    /// <summary>QUIT (bounded to 5 s) when the session is still usable, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsUsable)
        {
            try
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _stream.WriteAsync("QUIT\r\n"u8.ToArray(), quit.Token).ConfigureAwait(false);
                await _replies.ReadAsync(quit.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection is going away anyway.
            }
        }

        _broken = true;
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    internal static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
