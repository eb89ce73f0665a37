using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>The server certificate from one PEM file holding the certificate, its key and the intermediate after it.</summary>
public sealed class SmtpCertificateLoaderTests
{
    /// <summary>A certificate valid from a minute before <paramref name="now"/> for <paramref name="days"/> days (an issuer's outlasts what it signs).</summary>
    private static X509Certificate2 Issue(string subject, RSA key, X509Certificate2? issuer, bool authority, DateTimeOffset now, int days)
    {
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(authority, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return issuer is null
            ? request.CreateSelfSigned(now.AddMinutes(-1), now.AddDays(days))
            : request.Create(issuer, now.AddMinutes(-1), now.AddDays(days), RandomNumberGenerator.GetBytes(12));
    }

    /// <summary>A PEM file as a CA issues it: server certificate, its private key, then the intermediate.</summary>
    private static (string Path, X509Certificate2 Server, X509Certificate2 Intermediate) ChainFile()
    {
        using var rootKey = RSA.Create(2048);
        using var intermediateKey = RSA.Create(2048);
        using var serverKey = RSA.Create(2048);
        var now = DateTimeOffset.UtcNow;
        using var root = Issue("Test Root", rootKey, null, authority: true, now, days: 30);
        using var intermediatePublic = Issue("Test Intermediate", intermediateKey, root, authority: true, now, days: 20);
        var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);
        var server = Issue("mx.chain.example", serverKey, intermediate, authority: false, now, days: 10);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"og-chain-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, server.ExportCertificatePem() + "\n" + serverKey.ExportPkcs8PrivateKeyPem() + "\n" + intermediate.ExportCertificatePem() + "\n");
        return (path, server, intermediate);
    }

    [Fact]
    public async Task One_pem_file_gives_the_certificate_with_its_key_and_the_intermediate_sent_in_the_handshake()
    {
        var (path, server, intermediate) = ChainFile();
        try
        {
            var loader = new SmtpCertificateLoader(Options.Create(new SmtpOptions { ServerName = "mx.chain.example", CertificatePath = path }), NullLogger<SmtpCertificateLoader>.Instance);

            Assert.Equal(server.Thumbprint, loader.Certificate!.Thumbprint);
            Assert.True(loader.Certificate.HasPrivateKey);
            Assert.Contains(loader.Context!.IntermediateCertificates, c => c.Thumbprint == intermediate.Thumbprint);

            // A real handshake over loopback: the client is sent the intermediate with the server certificate.
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            using var accepted = await listener.AcceptTcpClientAsync();
            await using var serverStream = new SslStream(accepted.GetStream());
            var sent = new List<string>();
            await using var clientStream = new SslStream(client.GetStream(), false, (_, _, chain, _) =>
            {
                sent.AddRange(chain!.ChainPolicy.ExtraStore.Select(c => c.Thumbprint));
                return true;
            });
            await Task.WhenAll(
                serverStream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = loader.Context }),
                clientStream.AuthenticateAsClientAsync("mx.chain.example"));
            Assert.Contains(intermediate.Thumbprint, sent);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
