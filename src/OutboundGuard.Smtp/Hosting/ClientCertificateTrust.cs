using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace OutboundGuard.Smtp.Hosting;

/// <summary>
/// Decides whether a TLS client certificate's chain is valid, so that its subject name may select a tenant: a chain
/// the system trust store accepts, or one that ends at an authority in <see cref="SmtpOptions.ClientCertificateAuthoritiesPath"/>
/// (a provider's private CA for its connectors). Either way the certificate must be valid now and allowed for client
/// authentication. The authorities are loaded once, on first use.
/// </summary>
public sealed class ClientCertificateTrust
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly Lazy<X509Certificate2Collection> _authorities;
    private readonly TimeProvider _time;

    public ClientCertificateTrust(IOptions<SmtpOptions> options, TimeProvider time)
    {
        var path = options.Value.ClientCertificateAuthoritiesPath;
        _authorities = new Lazy<X509Certificate2Collection>(() => Load(path));
        _time = time;
    }

    /// <summary>The configured authorities (empty when none are configured).</summary>
    public X509Certificate2Collection Authorities => _authorities.Value;

    /// <summary>Loads every certificate of a PEM bundle; an empty collection when <paramref name="path"/> is null or empty.</summary>
    /// <exception cref="InvalidOperationException">The file holds no certificate.</exception>
    public static X509Certificate2Collection Load(string? path)
    {
        var authorities = new X509Certificate2Collection();
        if (string.IsNullOrEmpty(path))
        {
            return authorities;
        }

        authorities.ImportFromPemFile(path);
        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"The client certificate authorities file {path} holds no PEM certificate.");
        }

        return authorities;
    }

    /// <summary>
    /// True when the certificate's chain is valid: <paramref name="errors"/> from the handshake say so (system trust),
    /// or the chain built from the certificate and what the client sent ends at a configured authority.
    /// </summary>
    public bool IsValid(X509Certificate certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || Authorities.Count == 0)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }
}
