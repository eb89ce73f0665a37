using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OutboundGuard.Admin.Alerts;

/// <summary>
/// The webhook's signature: HMAC-SHA256, keyed with a shared secret, over <c>{timestamp}.{body}</c> where the
/// timestamp is the Unix time in seconds sent in <see cref="TimestampHeader"/> and the body is the exact bytes
/// posted. <see cref="SignatureHeader"/> carries <c>v1=&lt;hex&gt;</c> once per configured secret (two during a
/// rotation), comma-separated. A receiver accepts the request when one of them matches a secret it knows and the
/// timestamp is within its replay window of its own clock; it may also drop a repeated <see cref="DeliveryHeader"/>.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-OutboundGuard-Timestamp";
    public const string SignatureHeader = "X-OutboundGuard-Signature";
    public const string DeliveryHeader = "X-OutboundGuard-Delivery";
    public const string Version = "v1";

    /// <summary>The signature header's value for <paramref name="body"/> sent at <paramref name="timestamp"/>, one entry per secret.</summary>
    public static string Sign(ReadOnlySpan<byte> body, long timestamp, IReadOnlyList<string> secrets)
    {
        var parts = new string[secrets.Count];
        for (var i = 0; i < secrets.Count; i++)
        {
            parts[i] = Version + "=" + Convert.ToHexStringLower(Mac(body, timestamp, secrets[i]));
        }

        return string.Join(", ", parts);
    }

    /// <summary>
    /// Whether a received request is genuine: its timestamp within <paramref name="window"/> of <paramref name="now"/>
    /// and one of its signatures made with one of <paramref name="secrets"/> (compared in constant time).
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> body, string? timestampHeader, string? signatureHeader, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan window)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > window.TotalSeconds || string.IsNullOrEmpty(signatureHeader))
        {
            return false;
        }

        foreach (var part in signatureHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith(Version + "=", StringComparison.Ordinal))
            {
                continue;
            }

            byte[] given;
            try
            {
                given = Convert.FromHexString(part.AsSpan(Version.Length + 1));
            }
            catch (FormatException)
            {
                continue;
            }

            foreach (var secret in secrets)
            {
                if (CryptographicOperations.FixedTimeEquals(given, Mac(body, timestamp, secret)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static byte[] Mac(ReadOnlySpan<byte> body, long timestamp, string secret)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
