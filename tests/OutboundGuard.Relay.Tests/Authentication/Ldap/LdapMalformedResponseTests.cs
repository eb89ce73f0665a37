using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using OutboundGuard.Relay.Authentication;
using OutboundGuard.Relay.Authentication.Ldap;
using OutboundGuard.Storage.AuthSources;
using Xunit;

namespace OutboundGuard.Relay.Tests.Authentication.Ldap;

/// <summary>
/// A server on a real socket on 127.0.0.1 that answers each request with crafted octets: whatever it sends, the check
/// ends cleanly as an unavailable directory naming what was wrong, never an exception, a hang or a huge allocation.
/// </summary>
public sealed class LdapMalformedResponseTests
{
    private const string Password = "pw-secret-1234";

    public static TheoryData<string, string> Malformed => new()
    {
        { "3084 7fffffff", "an LDAPMessage of 2147483647 octets, more than the 65536 accepted" },
        { "3080 020101", "indefinite length" },
        { Convert.ToHexString("220 mail.example ESMTP\r\n"u8), "where an LDAPMessage (0x30) was expected; is this an LDAP server?" },
        { "300c 020101", "closed the connection in the middle of an LDAPMessage" },
        { "3005 020101 6110", "longer than the message holding it" },
        { "300a 020101 6105 0a0100 1f00", "multi-octet tag" },
        { "3006 020101 1f0100", "has tag 0x1f where 0x61 was expected" },
        { "3085 0000000001", "whose length has more than 4 octets" },
        { "300c 020109 6107 0a0100 0400 0400", "the server answered message 9 where 1 was asked" },
        { "3024 020100 781f 0a0134 0400 0418 7468652073657276657220697320676f696e6720646f776e", "the server ended the session (result 52 (the server is going down))" },
        { "300a 020101 6105 0a0100 0400", "an LDAP message ends where an element was expected" },
        { "3010 020101 610b 0a050000000031 0400 0400", "an LDAP integer has 5 octets" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_bind_response_is_an_unavailable_directory_that_says_what_was_wrong(string responseHex, string problem)
    {
        await using var server = CraftedServer.Start(Hex(responseHex));

        var check = await Verifier(TimeSpan.FromSeconds(30)).VerifyAsync(BindSource(server.Port), "ann@tenant.example", Password, null, CancellationToken.None);

        Assert.Equal(PasswordCheckOutcome.Unavailable, check.Outcome);
        Assert.Contains(problem, check.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_search_answered_with_endless_entries_is_cut_off_after_sixteen_messages()
    {
        var entry = Hex("301a 020102 6415 040a 7569643d782c64633d78 3007 3005 040161 3100");
        await using var server = CraftedServer.Start(Hex("300c 020101 6107 0a0100 0400 0400"), [.. Enumerable.Repeat(entry, 40).SelectMany(e => e)]);
        var source = BindSource(server.Port) with { LdapBindDn = null, LdapSearchBase = "dc=x", LdapSearchFilter = "(mail={user})" };

        var check = await Verifier(TimeSpan.FromSeconds(30)).VerifyAsync(source, "ann@tenant.example", Password, null, CancellationToken.None);

        Assert.Equal(PasswordCheckOutcome.Unavailable, check.Outcome);
        Assert.Contains("answered a search with more than 16 messages", check.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_that_accepts_the_connection_but_never_answers_is_unavailable_after_the_timeout()
    {
        await using var server = CraftedServer.Start();

        var check = await Verifier(TimeSpan.FromMilliseconds(300)).VerifyAsync(BindSource(server.Port), "ann@tenant.example", Password, null, CancellationToken.None);

        Assert.Equal(PasswordCheckOutcome.Unavailable, check.Outcome);
        Assert.Equal($"ldap://127.0.0.1:{server.Port} did not answer within 0.3 s", check.Problem);
    }

    [Fact]
    public async Task A_starttls_refusal_is_an_unavailable_directory_and_the_password_is_never_sent()
    {
        await using var server = CraftedServer.Start(Hex("301a 020101 7815 0a0102 0400 040e 544c53206e6f7420636f6e666967"));

        var check = await Verifier(TimeSpan.FromSeconds(30)).VerifyAsync(BindSource(server.Port) with { LdapTls = LdapTls.StartTls }, "ann@tenant.example", Password, null, CancellationToken.None);

        Assert.Equal(PasswordCheckOutcome.Unavailable, check.Outcome);
        Assert.Contains("the directory refused StartTLS (result 2 (TLS not config)); no password was sent", check.Problem, StringComparison.Ordinal);
        Assert.True(server.Received.ToArray().AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Password)) < 0, "the password was sent although StartTLS was refused");
    }

    private static LdapPasswordVerifier Verifier(TimeSpan timeout)
        => new(Options.Create(new DirectoryAuthOptions { Timeout = timeout }), TimeProvider.System);

    private static TenantAuthSource BindSource(int port) => new()
    {
        Kind = AuthSourceKind.Ldap,
        Endpoint = $"ldap://127.0.0.1:{port}",
        LdapBindDn = "uid={local},dc=x",
        LdapTls = LdapTls.None,
    };

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Accepts one connection and sends the next crafted answer after each LDAP request it reads; records what it received.</summary>
    private sealed class CraftedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _serving;
        private readonly CancellationTokenSource _stop = new();

        private CraftedServer(TcpListener listener, byte[][] answers)
        {
            _listener = listener;
            _serving = ServeAsync(answers);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public List<byte> Received { get; } = [];

        public static CraftedServer Start(params byte[][] answers)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new CraftedServer(listener, answers);
        }

        private async Task ServeAsync(byte[][] answers)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var reader = new LdapMessageReader(stream);
                foreach (var answer in answers)
                {
                    if (await reader.ReadAsync(_stop.Token) is not { } request)
                    {
                        return;
                    }

                    Received.AddRange(request);
                    await stream.WriteAsync(answer, _stop.Token);
                }

                // Without answers, a server that accepts and stays silent; after them, one that hangs up.
                while (answers.Length == 0 && await reader.ReadAsync(_stop.Token) is { } request)
                {
                    Received.AddRange(request);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidDataException or SocketException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _serving;
            _stop.Dispose();
        }
    }
}
