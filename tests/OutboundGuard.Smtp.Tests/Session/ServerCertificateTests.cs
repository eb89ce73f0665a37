using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Tests.Support;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>
/// The certificate STARTTLS serves, as OpenSSL's client reports it: the generated development certificate is ECDSA
/// P-256, and an operator's RSA certificate from PEM files is served as it is.
/// </summary>
public sealed class ServerCertificateTests
{
    [Fact]
    public void The_generated_certificate_has_an_ECDSA_P256_key_for_the_server_name()
    {
        using var certificate = SmtpCertificateLoader.CreateSelfSigned("mx.test.example", DateTimeOffset.UtcNow);

        using var key = certificate.GetECDsaPrivateKey();
        Assert.NotNull(key);
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        Assert.Null(certificate.GetRSAPublicKey());
        Assert.Equal("CN=mx.test.example", certificate.Subject);
    }

    [Fact]
    public async Task The_development_certificate_signs_the_handshake_with_ECDSA()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.DevelopmentCertificate = true, tls: false);

        var report = await OpenSslClient.StartTlsSessionAsync(server.EndPoint, null, null);

        Assert.Contains("New, TLSv1.3", report, StringComparison.Ordinal);
        Assert.Contains("Peer signature type: ECDSA", report, StringComparison.Ordinal);
        Assert.Contains("Server public key is 256 bit", report, StringComparison.Ordinal);
        Assert.Contains("subject=CN = mx.test.example", report, StringComparison.Ordinal);
        Assert.Contains("221", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operators_RSA_certificate_is_served_and_its_sessions_resume()
    {
        using var directory = new TempDirectory();
        var session = Path.Combine(directory.Path, "session.pem");
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.CertificatePath = TestCertificate.RsaCertificatePath;
            o.PrivateKeyPath = TestCertificate.RsaPrivateKeyPath;
        });

        var first = await OpenSslClient.StartTlsSessionAsync(server.EndPoint, null, session);
        var second = await OpenSslClient.StartTlsSessionAsync(server.EndPoint, session, null);

        Assert.Contains("Server public key is 2048 bit", first, StringComparison.Ordinal);
        Assert.Contains("Peer signature type: RSA-PSS", first, StringComparison.Ordinal);
        Assert.Contains("Reused, TLSv1.3", second, StringComparison.Ordinal);
        Assert.Contains("221", second, StringComparison.Ordinal);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("og-tls-cert-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
