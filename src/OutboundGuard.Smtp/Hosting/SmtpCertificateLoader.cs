using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OutboundGuard.Smtp.Hosting;

/// <summary>
/// Provides the server certificate for STARTTLS and implicit TLS: from PEM files, or a generated
/// self-signed one in development mode, or none (then TLS is not offered). Loaded once, on first use, with the
/// handshake context built once too: every STARTTLS reuses it instead of building the certificate's chain again. The
/// PEM file is read once, for the certificate and the intermediates after it alike.
/// </summary>
public sealed class SmtpCertificateLoader
{
    private readonly Lazy<(X509Certificate2 Certificate, X509Certificate2Collection? Intermediates)?> _loaded;
    private readonly Lazy<SslStreamCertificateContext?> _context;

    public SmtpCertificateLoader(IOptions<SmtpOptions> options, ILogger<SmtpCertificateLoader> logger)
    {
        var value = options.Value;
        _loaded = new(() => Load(value, logger));
        _context = new Lazy<SslStreamCertificateContext?>(() => _loaded.Value is { } loaded
            ? SslStreamCertificateContext.Create(loaded.Certificate, loaded.Intermediates, offline: true)
            : null);
    }

    /// <summary>The server certificate with its private key, or null when TLS is not configured.</summary>
    public X509Certificate2? Certificate => _loaded.Value?.Certificate;

    /// <summary>
    /// The handshake context of <see cref="Certificate"/> (its chain, with the intermediates the PEM file holds after
    /// the server certificate, sent to clients), or null when TLS is not configured.
    /// </summary>
    public SslStreamCertificateContext? Context => _context.Value;

    /// <summary>The certificates after the server's own in its PEM text (the chain to send), or none.</summary>
    private static X509Certificate2Collection? Intermediates(string certificatePem, X509Certificate2 certificate)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPem(certificatePem);
        var rest = new X509Certificate2Collection();
        foreach (var c in all)
        {
            if (c.Thumbprint != certificate.Thumbprint)
            {
                rest.Add(c);
            }
        }

        return rest.Count == 0 ? null : rest;
    }

    /// <summary>Loads a PEM certificate and key, re-imported as PKCS#12 so that SslStream can use the key on every platform.</summary>
    public static X509Certificate2 LoadPem(string certificatePath, string? privateKeyPath)
        => LoadPemText(File.ReadAllText(certificatePath), privateKeyPath);

    /// <summary>
    /// <see cref="LoadPem"/> of PEM text already read; the key is in <paramref name="privateKeyPath"/>, or, when that is
    /// null, in the text itself.
    /// </summary>
    private static X509Certificate2 LoadPemText(string certificatePem, string? privateKeyPath)
    {
        using var pem = X509Certificate2.CreateFromPem(certificatePem, privateKeyPath is null ? certificatePem : File.ReadAllText(privateKeyPath));
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// Generates a self-signed ECDSA P-256 certificate for <paramref name="serverName"/>, valid for one year. ECDSA, not
    /// RSA: a full handshake's signature is the largest part of a new TLS session's cost, and a P-256 signature costs
    /// the server a fraction of an RSA 2048 one. Every TLS 1.2 and 1.3 client signs and verifies ECDSA
    /// (ecdsa_secp256r1_sha256); operators who need RSA bring their own certificate (<see cref="SmtpOptions.CertificatePath"/>).
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(string serverName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={serverName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        // An ECDSA key only signs (RFC 5480 §3): no key encipherment, which is RSA key transport.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(serverName);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private static (X509Certificate2, X509Certificate2Collection?)? Load(SmtpOptions options, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.CertificatePath))
        {
            var text = File.ReadAllText(options.CertificatePath);
            var certificate = LoadPemText(text, options.PrivateKeyPath);
            Log.CertificateLoaded(logger, certificate.Subject, certificate.NotAfter);
            return (certificate, Intermediates(text, certificate));
        }

        if (options.DevelopmentCertificate)
        {
            var certificate = CreateSelfSigned(options.ServerName, DateTimeOffset.UtcNow);
            Log.DevelopmentCertificateGenerated(logger, certificate.Subject);
            return (certificate, null);
        }

        return null;
    }
}
