using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace OutboundGuard.Replay.Replaying;

/// <summary>
/// Gives each client label of a burst its own source address on loopback (127.0.0.0/8 is all local on
/// Linux), so a relay on 127.0.0.1 sees distinct clients as it did when the burst was captured, not every
/// account on one shared address.
/// </summary>
public static class ClientAddressMap
{
    /// <summary>The loopback address standing for <paramref name="label"/>; null for no label.</summary>
    public static IPAddress? Loopback(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(label));
        return new IPAddress([127, (byte)(1 + hash[0] % 250), hash[1], (byte)(1 + hash[2] % 254)]);
    }
}
