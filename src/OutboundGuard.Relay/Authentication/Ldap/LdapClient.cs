using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>
/// One LDAPv3 connection as directory AUTH needs it: plain, TLS from the start (<c>ldaps://</c>) or StartTLS
/// (RFC 4511 §4.14, RFC 4513 §3) before anything else; then simple binds and searches, one operation at a time.
/// Each read is bounded by the caller's token (the check's deadline) and by <see cref="LdapMessageReader.MaxMessageLength"/>.
/// </summary>
public sealed class LdapClient : IAsyncDisposable
{
    /// <summary>Most messages one search may answer with (entries, references and the done): the relay asks for at most two entries.</summary>
    private const int MaxSearchMessages = 16;

    private readonly Socket _socket;
    private Stream _stream;
    private LdapMessageReader _reader;
    private int _lastMessageId;

    private LdapClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = new LdapMessageReader(stream);
    }

    /// <summary>Connects, then sets up TLS as asked; the certificate is checked by <see cref="LdapServerCertificate"/>.</summary>
    /// <param name="host">The endpoint URL's host: connected to, and the name the certificate must carry.</param>
    /// <param name="port">The TCP port.</param>
    /// <param name="ldaps">TLS from the first octet.</param>
    /// <param name="startTls">StartTLS before anything else (ignored with <paramref name="ldaps"/>).</param>
    /// <param name="trustedCas">The tenant's CA certificates; null for the system trust store.</param>
    /// <param name="cancellationToken">The check's deadline.</param>
    /// <exception cref="LdapTlsException">StartTLS refused, the handshake failed or the certificate did not pass.</exception>
    /// <exception cref="SocketException">The directory cannot be reached.</exception>
    /// <exception cref="InvalidDataException">The server's answer is no LDAP.</exception>
    public static async Task<LdapClient> ConnectAsync(string host, int port, bool ldaps, bool startTls, X509Certificate2Collection? trustedCas, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            IPAddress[] addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            await socket.ConnectAsync(addresses, port, cancellationToken);
            var client = new LdapClient(socket, new NetworkStream(socket, ownsSocket: false));
            if (ldaps)
            {
                await client.SecureAsync(host, trustedCas, cancellationToken);
            }
            else if (startTls)
            {
                await client.StartTlsAsync(host, trustedCas, cancellationToken);
            }

            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A simple bind; the result as the server gave it (49: wrong password or no such entry).</summary>
    public async Task<LdapResult> BindAsync(string name, string password, CancellationToken cancellationToken)
    {
        var id = await SendAsync(messageId => LdapRequests.Bind(messageId, name, password), cancellationToken);
        var response = await ReadResponseAsync(id, cancellationToken);
        return ReadResult(response, BerTags.BindResponse);
    }

    /// <summary>Searches; the entries found (references ignored) and the SearchResultDone's result.</summary>
    /// <exception cref="InvalidDataException">More than <see cref="MaxSearchMessages"/> messages, or a malformed one.</exception>
    public async Task<(IReadOnlyList<LdapSearchEntry> Entries, LdapResult Result)> SearchAsync(
        string baseObject, LdapSearchScope scope, LdapFilter filter, IReadOnlyList<string> attributes, int sizeLimit, int timeLimitSeconds, CancellationToken cancellationToken)
    {
        var id = await SendAsync(messageId => LdapRequests.Search(messageId, baseObject, scope, filter, attributes, sizeLimit, timeLimitSeconds), cancellationToken);
        var entries = new List<LdapSearchEntry>();
        for (var count = 0; count < MaxSearchMessages; count++)
        {
            var response = await ReadResponseAsync(id, cancellationToken);
            var reader = new BerReader(response);
            reader.ReadInteger();
            var op = reader.PeekTag();
            switch (op)
            {
                case BerTags.SearchResultEntry:
                    var entry = reader.ReadConstructed(BerTags.SearchResultEntry);
                    entries.Add(LdapSearchEntry.Read(ref entry));
                    break;
                case BerTags.SearchResultReference:
                    // Continuation references are not followed: the user's entry must be in the tenant's own directory.
                    break;
                case BerTags.SearchResultDone:
                    var done = reader.ReadConstructed(BerTags.SearchResultDone);
                    return (entries, LdapResult.Read(ref done));
                default:
                    throw new InvalidDataException($"the server answered a search with tag 0x{op:x2}");
            }
        }

        throw new InvalidDataException($"the server answered a search with more than {MaxSearchMessages} messages");
    }

    /// <summary>Sends an UnbindRequest (RFC 4511 §4.3) when the connection still works, then closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _stream.WriteAsync(LdapRequests.Unbind(++_lastMessageId), brief.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidOperationException)
        {
            // The connection is gone already; there is nothing to tell the server.
        }

        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private async Task StartTlsAsync(string host, X509Certificate2Collection? trustedCas, CancellationToken cancellationToken)
    {
        var id = await SendAsync(LdapRequests.StartTls, cancellationToken);
        var response = await ReadResponseAsync(id, cancellationToken);
        var result = ReadResult(response, BerTags.ExtendedResponse);
        if (result.Code != LdapResult.Success)
        {
            throw new LdapTlsException($"the directory refused StartTLS ({result})");
        }

        await SecureAsync(host, trustedCas, cancellationToken);
    }

    private async Task SecureAsync(string host, X509Certificate2Collection? trustedCas, CancellationToken cancellationToken)
    {
        string? problem = null;
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    problem = LdapServerCertificate.Problem(certificate as X509Certificate2, chain, host, trustedCas);
                    return problem is null;
                },
            }, cancellationToken);
        }
        catch (AuthenticationException e)
        {
            await tls.DisposeAsync();
            throw new LdapTlsException(problem ?? $"the TLS handshake failed: {e.Message}", e);
        }

        _stream = tls;
        _reader = new LdapMessageReader(tls);
    }

    private async Task<int> SendAsync(Func<int, byte[]> request, CancellationToken cancellationToken)
    {
        var id = ++_lastMessageId;
        await _stream.WriteAsync(request(id), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        return id;
    }

    /// <summary>The next message, which must answer <paramref name="messageId"/>.</summary>
    private async Task<byte[]> ReadResponseAsync(int messageId, CancellationToken cancellationToken)
    {
        var message = await _reader.ReadAsync(cancellationToken) ?? throw new InvalidDataException("the server closed the connection before answering");
        var id = PeekMessageId(message);
        if (id == 0)
        {
            // An unsolicited notification (RFC 4511 §4.4), in practice the notice of disconnection.
            var reader = new BerReader(message);
            reader.ReadInteger();
            var notice = ReadResultOf(ref reader, BerTags.ExtendedResponse);
            throw new InvalidDataException($"the server ended the session ({notice})");
        }

        return id == messageId ? message : throw new InvalidDataException($"the server answered message {id} where {messageId} was asked");
    }

    private static int PeekMessageId(byte[] message)
    {
        var reader = new BerReader(message);
        return reader.ReadInteger();
    }

    private static LdapResult ReadResult(byte[] message, byte tag)
    {
        var reader = new BerReader(message);
        reader.ReadInteger();
        return ReadResultOf(ref reader, tag);
    }

    private static LdapResult ReadResultOf(ref BerReader reader, byte tag)
    {
        var op = reader.ReadConstructed(tag);
        return LdapResult.Read(ref op);
    }
}
