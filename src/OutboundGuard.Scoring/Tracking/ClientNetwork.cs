using System.Net;

namespace OutboundGuard.Scoring.Tracking;

/// <summary>
/// The network a client address belongs to for "one credential used from many places": IPv4 /24 and IPv6 /48, so a
/// mail platform's or an office's neighbouring addresses count as one place and an attacker's scattered hosts as many.
/// </summary>
public static class ClientNetwork
{
    /// <summary>The address with its host bits cleared (IPv4-mapped IPv6 addresses are read as IPv4).</summary>
    public static IPAddress Of(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        byte[] bytes = address.GetAddressBytes();
        int keep = bytes.Length == 4 ? 3 : 6;
        for (int i = keep; i < bytes.Length; i++)
        {
            bytes[i] = 0;
        }

        return new IPAddress(bytes);
    }
}
