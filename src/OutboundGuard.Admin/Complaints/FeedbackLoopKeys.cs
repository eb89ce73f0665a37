using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace OutboundGuard.Admin.Complaints;

/// <summary>
/// The DKIM public keys of the configured feedback-loop sources, for MimeKit's <see cref="DkimVerifier"/>: a key
/// is found only for a configured source's domain and selector, so a report signed by anyone else never verifies.
/// </summary>
internal sealed class FeedbackLoopKeys(IReadOnlyList<FeedbackLoopSource> sources) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var source = sources.FirstOrDefault(s => s.Domain.Equals(domain, StringComparison.OrdinalIgnoreCase));
        if (source is null || !source.Keys.TryGetValue(selector, out var record) || !TryParse(record, out var key))
        {
            throw new InvalidOperationException($"no key configured for selector {selector} of {domain}");
        }

        return key;
    }

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        => Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));

    /// <summary>Reads a DKIM key record ("v=DKIM1; k=rsa; p=…").</summary>
    public static bool TryParse(string record, out AsymmetricKeyParameter key)
    {
        try
        {
            key = new Reader().Read(record);
            return true;
        }
        catch (Exception e) when (e is FormatException or ParseException or ArgumentException or InvalidOperationException or NotSupportedException or IOException)
        {
            key = null!;
            return false;
        }
    }

    /// <summary>Gives access to the base class's record parser.</summary>
    private sealed class Reader : DkimPublicKeyLocatorBase
    {
        public AsymmetricKeyParameter Read(string record) => GetPublicKey(record);

        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
