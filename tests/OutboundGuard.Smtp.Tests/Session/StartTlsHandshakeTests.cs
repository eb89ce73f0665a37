using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Tests.Support;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>
/// The TLS handshake after STARTTLS with real MailKit clients over real sockets: a client certificate, a PROXY
/// header first, a client whose handshake arrives at once, many at a time. Every client is bounded in time, so a
/// handshake that stalls fails the test instead of holding up the run.
/// </summary>
public sealed class StartTlsHandshakeTests
{
    private static readonly TimeSpan SessionLimit = TimeSpan.FromSeconds(20);

    private static readonly Lazy<X509Certificate2> ClientCertificate = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mta.tenant.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Re-imported from PKCS#12 so that SslStream on Linux can use the private key.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    });

    private static string Fingerprint => Convert.ToHexString(SHA256.HashData(ClientCertificate.Value.RawData)).ToLowerInvariant();

    private static Task<SmtpTestServer> StartAsync(bool behindBalancer, bool eagerClient = false)
        => SmtpTestServer.StartAsync(
            o =>
            {
                if (behindBalancer)
                {
                    o.Listeners[0].ProxyProtocol = ProxyProtocolMode.Required;
                    o.TrustedProxies = ["127.0.0.1/32"];
                }
            },
            listen: eagerClient ? EagerClientTransport.Use : null);

    /// <summary>
    /// Connects a MailKit client with the client certificate and STARTTLS, sends one message and quits. Through the
    /// balancer: a PROXY v1 header naming <paramref name="clientPort"/> goes first, as HAProxy's would.
    /// </summary>
    private static async Task SendOverStartTlsAsync(SmtpTestServer server, bool behindBalancer, int clientPort, string subject)
    {
        using var limit = new CancellationTokenSource(SessionLimit);
        using var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, _, _, _) => true,
            ClientCertificates = [ClientCertificate.Value],
            Timeout = (int)SessionLimit.TotalMilliseconds,
        };
        if (behindBalancer)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, server.EndPoint.Port, limit.Token);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"PROXY TCP4 198.51.100.7 192.0.2.1 {clientPort} 25\r\n"), limit.Token);
            await client.ConnectAsync(stream, "localhost", server.EndPoint.Port, SecureSocketOptions.StartTls, limit.Token);
        }
        else
        {
            await client.ConnectAsync(server.EndPoint.Address.ToString(), server.EndPoint.Port, SecureSocketOptions.StartTls, limit.Token);
        }

        Assert.True(client.IsSecure);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("shop@tenant.example"));
        message.To.Add(MailboxAddress.Parse("customer@example.org"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Order confirmation.\r\n" };
        await client.SendAsync(message, limit.Token);
        await client.DisconnectAsync(true, limit.Token);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_handshake_that_arrives_before_the_STARTTLS_reply_is_flushed_is_not_lost(bool behindBalancer)
    {
        await using var server = await StartAsync(behindBalancer, eagerClient: true);

        await SendOverStartTlsAsync(server, behindBalancer, 40000, "eager");

        var received = await server.Relay.NextMessageAsync();
        Assert.Contains("Subject: eager", Encoding.UTF8.GetString(received.Content), StringComparison.Ordinal);
        Assert.Equal(Fingerprint, Assert.Single(server.Relay.ClientCertificateFingerprints));
        Assert.DoesNotContain("TLS handshake failed", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_concurrent_STARTTLS_sessions_with_a_client_certificate_through_the_balancer_all_complete()
    {
        const int sessions = 64;
        await using var server = await StartAsync(behindBalancer: true);

        await Parallel.ForAsync(0, sessions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await SendOverStartTlsAsync(server, behindBalancer: true, 40000 + i, $"burst {i}"));

        var subjects = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sessions; i++)
        {
            var content = Encoding.UTF8.GetString((await server.Relay.NextMessageAsync()).Content);
            subjects.Add(content.Split("Subject: ")[1].Split("\r\n")[0]);
        }

        Assert.Equal(sessions, subjects.Count);
        Assert.Equal(sessions, server.Relay.ClientCertificateFingerprints.Count(f => f == Fingerprint));
        // Identified twice each: on connecting, and again over TLS.
        Assert.Equal(2 * sessions, server.Relay.ClientEndPoints.Count);
        Assert.All(server.Relay.ClientEndPoints, e => Assert.Equal(IPAddress.Parse("198.51.100.7"), e.Address));
    }

    [Fact]
    public async Task Plaintext_sent_after_the_STARTTLS_reply_is_never_executed()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        Assert.Equal("220 2.0.0 Ready to start TLS\r\n", await client.CommandAsync("STARTTLS"));

        // Not a TLS ClientHello: the handshake refuses it and the session ends; the command is never answered.
        await client.SendAsync("MAIL FROM:<mallory@attacker.example>\r\n");

        Assert.True(await client.IsClosedByServerAsync());
        Assert.DoesNotContain(server.Relay.Threads, c => c.Call == "MAIL");
        Assert.Contains("TLS handshake failed", server.Logs.AllText, StringComparison.Ordinal);
    }
}
