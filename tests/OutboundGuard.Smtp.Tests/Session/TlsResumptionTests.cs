using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OutboundGuard.Smtp.Tests.Support;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>
/// TLS session resumption after STARTTLS, seen by OpenSSL's own client over 127.0.0.1: the session it saved from one
/// connection is offered on the next, as Postfix's smtp client offers its cached sessions.
/// </summary>
public sealed class TlsResumptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("og-tls-resume-").FullName;

    private string SessionFile => Path.Combine(_directory, "session.pem");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_second_STARTTLS_session_resumes_the_first_and_keeps_its_client_certificate()
    {
        var (cert, key, fingerprint) = ClientCertificateFiles();
        await using var server = await SmtpTestServer.StartAsync();

        var first = await OpenSslClient.StartTlsSessionAsync(server.EndPoint, null, SessionFile, (cert, key));
        var second = await OpenSslClient.StartTlsSessionAsync(server.EndPoint, SessionFile, null, (cert, key));

        Assert.Contains("New, TLSv1.3", first, StringComparison.Ordinal);
        Assert.Contains("Reused, TLSv1.3", second, StringComparison.Ordinal);
        Assert.Contains("221", second, StringComparison.Ordinal);
        // Identified over TLS in both sessions, by the same certificate: the resumed one did not lose it.
        Assert.Equal([fingerprint, fingerprint], server.Relay.ClientCertificateFingerprints);
        Assert.DoesNotContain("TLS handshake failed", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_resumption_off_every_session_is_a_full_handshake()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.TlsSessionResumption = false);

        var first = await OpenSslClient.StartTlsSessionAsync(server.EndPoint, null, SessionFile);
        var second = await OpenSslClient.StartTlsSessionAsync(server.EndPoint, File.Exists(SessionFile) ? SessionFile : null, null);

        Assert.Contains("New, TLSv1.3", first, StringComparison.Ordinal);
        Assert.Contains("New, TLSv1.3", second, StringComparison.Ordinal);
        Assert.Contains("221", second, StringComparison.Ordinal);
    }

    /// <summary>A self-signed client certificate and its key as PEM files, with its SHA-256 fingerprint.</summary>
    private (string Cert, string Key, string Fingerprint) ClientCertificateFiles()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mta.tenant.example", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var cert = Path.Combine(_directory, "client.pem");
        var keyFile = Path.Combine(_directory, "client.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (cert, keyFile, Convert.ToHexString(SHA256.HashData(certificate.RawData)).ToLowerInvariant());
    }
}
