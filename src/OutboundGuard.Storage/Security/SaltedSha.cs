using System.Security.Cryptography;
using System.Text;

namespace OutboundGuard.Storage.Security;

/// <summary>
/// OpenLDAP's salted SHA schemes: <c>{SSHA}</c>, <c>{SSHA256}</c> and <c>{SSHA512}</c>, each the base64 of
/// H(password + salt) followed by the salt. Only verified, never produced.
/// </summary>
public static class SaltedSha
{
    /// <summary>The digest size in bytes of each scheme (upper-case, without braces).</summary>
    public static int DigestBytes(string scheme) => scheme switch
    {
        "SSHA" => 20,
        "SSHA256" => 32,
        "SSHA512" => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "not a salted SHA scheme"),
    };

    /// <summary>Decodes the base64 payload into digest and salt; false (with a reason) when it does not fit the scheme.</summary>
    public static bool TryDecode(string scheme, string payload, out byte[] digest, out byte[] salt, out string? why)
    {
        digest = salt = [];
        why = null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(payload);
        }
        catch (FormatException)
        {
            why = $"{{{scheme}}} value is not base64";
            return false;
        }

        var size = DigestBytes(scheme);
        if (bytes.Length < size + 1)
        {
            why = $"{{{scheme}}} value must hold a {size}-byte digest and a salt (got {bytes.Length} bytes)";
            return false;
        }

        digest = bytes[..size];
        salt = bytes[size..];
        return true;
    }

    /// <summary>Checks a password against the base64 payload in constant time; false when malformed.</summary>
    public static bool Verify(string scheme, string password, string payload)
    {
        if (!TryDecode(scheme, payload, out var digest, out var salt, out _))
        {
            return false;
        }

        var input = Encoding.UTF8.GetBytes(password).Concat(salt).ToArray();
        var actual = scheme switch
        {
#pragma warning disable CA5350 // {SSHA} is SHA-1 by definition; only verified once, then replaced by Argon2id.
            "SSHA" => SHA1.HashData(input),
#pragma warning restore CA5350
            "SSHA256" => SHA256.HashData(input),
            _ => SHA512.HashData(input),
        };
        return CryptographicOperations.FixedTimeEquals(actual, digest);
    }
}
