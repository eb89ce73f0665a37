using System.Security.Cryptography.X509Certificates;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Smtp.Tests.Support;

/// <summary>One self-signed certificate for the whole test run, written as PEM files so tests also cover PEM loading.</summary>
public static class TestCertificate
{
    private static readonly Lazy<(string Cert, string Key)> Files = new(() =>
    {
        using var certificate = SmtpCertificateLoader.CreateSelfSigned("localhost", DateTimeOffset.UtcNow);
        var directory = Path.Combine(Path.GetTempPath(), "og-smtp-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var cert = Path.Combine(directory, "cert.pem");
        var key = Path.Combine(directory, "key.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        using var rsa = certificate.GetRSAPrivateKey()!;
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    });

    public static string CertificatePath => Files.Value.Cert;

    public static string PrivateKeyPath => Files.Value.Key;
}
