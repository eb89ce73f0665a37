using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

internal sealed partial class SmtpSession
{
    private SslStream? _tls;

    /// <summary>
    /// STARTTLS (RFC 3207): 220, then the handshake. Input the client sent with or after STARTTLS, before
    /// the 220 was sent, is discarded unread (§4.2, and it is how STARTTLS command injection is defeated);
    /// after the handshake the session starts over: no HELO name, no transaction, identity asked again.
    /// </summary>
    /// <remarks>
    /// The discarding comes strictly before the 220: once the reply is on its way, the next octets are the
    /// client's TLS handshake, which may arrive before the flush even returns (the reply is sent on the
    /// session's own thread while the socket's reads go on elsewhere). Plaintext that still arrives after
    /// the 220 is never executed: it reaches the handshake, which refuses it.
    /// </remarks>
    private async Task HandleStartTlsAsync(SmtpReply? refusal)
    {
        if (refusal is { } refused)
        {
            WriteError(refused);
            return;
        }

        if (_input.TryRead(out var pipelined))
        {
            _input.AdvanceTo(pipelined.Buffer.End);
        }

        WriteReply(SmtpReplies.ReadyToStartTls);
        await FlushAsync();

        if (!await TryStartTlsAsync())
        {
            return;
        }

        await ResetTransactionAsync();
        _state = SmtpState.Connected;
        _authenticated = false;
        Info.HeloName = null;
        await LeaveSocketThreadAsync();
        Info.Identity = await _server.Relay.IdentifyClientAsync(Info, Closed);
    }

    /// <summary>Runs the server side of the TLS handshake over the raw transport and swaps the session's pipes to the TLS stream.</summary>
    private async Task<bool> TryStartTlsAsync()
    {
        if (_server.TlsOptions is not { } options)
        {
            Log.TlsFailed(_logger, "no certificate configured");
            _closing = true;
            _endReason = "TLS not available";
            return false;
        }

        // The handshake's and the records' cryptography run on pool threads, never on the socket event thread.
        SocketCompletions.TrySetInline(_connection, false);
        await LeaveSocketThreadAsync();
        var raw = new DuplexPipeStream(_connection.Transport.Input, _connection.Transport.Output);
        // The options are the server's, one object for every handshake; what is this session's (the client certificate
        // it learns) comes through the stream's own callback.
        // CA5359: a client certificate is optional and never trusted blindly: the callback accepts the handshake, but only
        // a certificate whose chain validates makes its subject known to the relay.
#pragma warning disable CA5359
        var tls = new SslStream(raw, leaveInnerStreamOpen: false, LearnClientCertificate);
#pragma warning restore CA5359

        using var timeout = new CancellationTokenSource(_limits.ServerTimeout, _server.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, Closed);
        try
        {
            await tls.AuthenticateAsServerAsync(options, linked.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            Log.TlsFailed(_logger, ex.Message);
            await tls.DisposeAsync();
            _closing = true;
            _endReason = "TLS handshake failed";
            return false;
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.TlsEstablished(_logger, tls.SslProtocol.ToString(), tls.NegotiatedCipherSuite.ToString());
        }

        _tls = tls;
        _input = PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true));
        Info.IsSecure = true;
        return true;
    }

    /// <summary>
    /// A client certificate is optional and never trusted blindly: the handshake goes on whatever it is, its SHA-256
    /// fingerprint is always known (the relay pins registered fingerprints, self-signed or not), its subject only when its
    /// chain validates.
    /// </summary>
    private bool LearnClientCertificate(object sender, X509Certificate? clientCertificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (clientCertificate is not null)
        {
            Info.ClientCertificateFingerprint = Convert.ToHexString(SHA256.HashData(clientCertificate.GetRawCertData())).ToLowerInvariant();
            if (_server.ClientTrust.IsValid(clientCertificate, chain, errors))
            {
                Info.ClientCertificateSubject = clientCertificate.Subject;
            }
        }

        return true;
    }

    /// <summary>Releases the TLS layer at the end of the session.</summary>
    private async ValueTask DisposeTlsAsync()
    {
        if (_tls is { } tls)
        {
            await _input.CompleteAsync();
            await _output.CompleteAsync();
            await tls.DisposeAsync();
        }
    }
}
