using System.Security.Cryptography.X509Certificates;

namespace OutboundGuard.Relay.Authentication.Ldap;

/// <summary>
/// The check of a directory's TLS certificate: it must chain to the tenant's CA certificates (or, without them, to
/// the system trust store) and name the host of the endpoint URL (RFC 6125, as <see cref="X509Certificate2.MatchesHostname"/>
/// reads it, IP addresses included). Revocation is not checked: the relay reaches no CRL or OCSP service.
/// </summary>
public static class LdapServerCertificate
{
    /// <summary>Null when the certificate passes, else why not, in words for the log.</summary>
    /// <param name="certificate">What the directory presented; null when it presented none.</param>
    /// <param name="presented">The chain the TLS stack built, whose intermediates are used as extra certificates.</param>
    /// <param name="host">The endpoint URL's host.</param>
    /// <param name="trustedCas">The tenant's CA certificates; null for the system trust store.</param>
    public static string? Problem(X509Certificate2? certificate, X509Chain? presented, string host, X509Certificate2Collection? trustedCas)
    {
        if (certificate is null)
        {
            return "the directory presented no certificate";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (trustedCas is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trustedCas);
        }

        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var where = trustedCas is null ? "the system trust store" : "the tenant's LDAP CA certificates";
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            return $"the directory's certificate ({certificate.Subject}, issued by {certificate.Issuer}) does not chain to {where} ({status})";
        }

        return certificate.MatchesHostname(host)
            ? null
            : $"the directory's certificate ({certificate.Subject}) does not name the host {host} of the endpoint URL";
    }
}
