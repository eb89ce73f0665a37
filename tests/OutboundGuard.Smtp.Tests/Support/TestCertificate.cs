using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Tests.Support;

/// <summary>
/// Self-signed certificates for the whole test run, written as PEM files so tests also cover PEM loading: the relay's
/// generated kind (ECDSA P-256) by default, and an RSA 2048 one as operators often bring.
/// </summary>
public static class TestCertificate
{
    private static readonly Lazy<(string Cert, string Key)> Files = new(() =>
    {
        using var certificate = SmtpCertificateLoader.CreateSelfSigned("localhost", DateTimeOffset.UtcNow);
        using var key = certificate.GetECDsaPrivateKey()!;
        return Write(certificate, key);
    });

    private static readonly Lazy<(string Cert, string Key)> RsaFiles = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return Write(certificate, key);
    });

    public static string CertificatePath => Files.Value.Cert;

    public static string PrivateKeyPath => Files.Value.Key;

    /// <summary>An RSA 2048 certificate's PEM file.</summary>
    public static string RsaCertificatePath => RsaFiles.Value.Cert;

    /// <summary>The RSA 2048 certificate's PEM private key.</summary>
    public static string RsaPrivateKeyPath => RsaFiles.Value.Key;

    private static (string Cert, string Key) Write(X509Certificate2 certificate, AsymmetricAlgorithm key)
    {
        var directory = Path.Combine(Path.GetTempPath(), "og-smtp-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var cert = Path.Combine(directory, "cert.pem");
        var keyFile = Path.Combine(directory, "key.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (cert, keyFile);
    }
}
