using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication;

/// <summary>
/// Checks a password with a Dovecot auth service, as Postfix's <c>smtpd_sasl_type = dovecot</c> does: the client
/// handshake (VERSION, CPID), the server's (VERSION, MECH…, DONE), then one <c>AUTH</c> with mechanism PLAIN and the
/// reply OK or FAIL (Dovecot authentication protocol v1). One connection per check, over a unix socket or TCP.
/// A FAIL flagged <c>temp</c> (passdb unreachable) is an unavailable source, not a wrong password.
/// </summary>
public sealed class DovecotPasswordVerifier(IOptions<DirectoryAuthOptions> options, TimeProvider time) : IPasswordVerifier
{
    /// <summary>Longest server line read: the protocol expects lines to fit into 16,384 octets.</summary>
    private const int MaxLineLength = 16_384;

    public AuthSourceKind Kind => AuthSourceKind.Dovecot;

    public async Task<PasswordCheck> VerifyAsync(TenantAuthSource source, string userName, string password, AccountRecord? account, CancellationToken cancellationToken)
    {
        if (!DovecotEndpoint.TryParse(source.Endpoint, out var endpoint, out var problem))
        {
            return PasswordCheck.Unavailable(problem!);
        }

        var timeout = options.Value.Timeout;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            using var socket = endpoint.SocketPath is not null
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            EndPoint remote = endpoint.SocketPath is not null ? new UnixDomainSocketEndPoint(endpoint.SocketPath) : await ResolveAsync(endpoint, linked.Token);
            await socket.ConnectAsync(remote, linked.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var lines = new LineReader(stream);

            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + userName + "\0" + password));
            var service = options.Value.DovecotService;
            // The client may send its whole handshake and the request at once; the server answers the request after its own handshake.
            var request = $"VERSION\t1\t1\nCPID\t{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}\nAUTH\t1\tPLAIN\tservice={service}\tsecured\tnologin\tno-penalty\tresp={plain}\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), linked.Token);

            var mechanisms = new List<string>();
            while (true)
            {
                var line = await lines.ReadAsync(linked.Token);
                if (line is null)
                {
                    return PasswordCheck.Unavailable($"{endpoint} closed the connection during the handshake");
                }

                var fields = line.Split('\t');
                if (fields[0] == "VERSION" && (fields.Length < 2 || fields[1] != "1"))
                {
                    return PasswordCheck.Unavailable($"{endpoint} speaks auth protocol version {(fields.Length < 2 ? "?" : fields[1])}, not 1");
                }

                if (fields[0] == "MECH" && fields.Length > 1)
                {
                    mechanisms.Add(fields[1]);
                }

                if (fields[0] == "DONE")
                {
                    break;
                }
            }

            if (!mechanisms.Contains("PLAIN", StringComparer.OrdinalIgnoreCase))
            {
                return PasswordCheck.Unavailable($"{endpoint} does not offer PLAIN (auth_mechanisms)");
            }

            var reply = await lines.ReadAsync(linked.Token);
            var answer = reply?.Split('\t') ?? [];
            return answer switch
            {
                ["OK", "1", ..] => new PasswordCheck(PasswordCheckOutcome.Accepted),
                ["FAIL", "1", ..] when answer.Contains("temp") || answer.Contains("code=temp_fail") => PasswordCheck.Unavailable($"{endpoint} failed temporarily (its passdb is unavailable)"),
                ["FAIL", "1", ..] => PasswordCheck.Rejected,
                [] => PasswordCheck.Unavailable($"{endpoint} closed the connection before answering"),
                _ => PasswordCheck.Unavailable($"{endpoint} answered {answer[0]} where OK or FAIL was expected"),
            };
        }
        catch (Exception e) when (DirectoryConnectionFailure.Describe(e, endpoint.ToString(), timeout, deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested) is { } failure)
        {
            return PasswordCheck.Unavailable(failure);
        }
    }

    private static async Task<EndPoint> ResolveAsync(DovecotEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(endpoint.Host, out var address))
        {
            return new IPEndPoint(address, endpoint.Port);
        }

        var addresses = await Dns.GetHostAddressesAsync(endpoint.Host!, cancellationToken);
        return addresses.Length == 0
            ? throw new SocketException((int)SocketError.HostNotFound)
            : new IPEndPoint(addresses[0], endpoint.Port);
    }

    /// <summary>LF-terminated lines from the server, at most <see cref="MaxLineLength"/> octets each.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[MaxLineLength];
        private int _start;
        private int _end;

        /// <summary>The next line without its LF; null at the end of the stream.</summary>
        /// <exception cref="InvalidDataException">A line is longer than the protocol allows.</exception>
        public async Task<string?> ReadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start);
                    _start = newline + 1;
                    return line;
                }

                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    throw new InvalidDataException($"a reply line is longer than {MaxLineLength} octets");
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
                if (read == 0)
                {
                    return null;
                }

                _end += read;
            }
        }
    }
}
