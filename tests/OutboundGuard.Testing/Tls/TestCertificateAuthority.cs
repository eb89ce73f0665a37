using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OutboundGuard.Testing.Tls;

/// <summary>
/// A throwaway CA made in memory (ECDSA P-256), valid from a day ago for a year, that issues server certificates for
/// the names given (DNS names or IP addresses in the subject alternative names). For TLS tests of private servers.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    private TestCertificateAuthority(string name, ECDsa key, X509Certificate2 certificate)
    {
        Name = name;
        _key = key;
        Certificate = certificate;
    }

    public string Name { get; }

    /// <summary>The CA's certificate (with its key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA's certificate in PEM, as a tenant's CA file holds it.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    public static TestCertificateAuthority Create(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificateAuthority(name, key, request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1)));
    }

    /// <summary>A server certificate for <paramref name="names"/>: its PEM and its private key's PEM (PKCS#8).</summary>
    public (string CertificatePem, string KeyPem) IssueServer(params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(Certificate, now.AddHours(-1), now.AddDays(30), serial);
        return (issued.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
