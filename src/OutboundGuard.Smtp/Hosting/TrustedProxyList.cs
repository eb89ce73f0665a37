using System.Net;

namespace OutboundGuard.Smtp.Hosting;

/// <summary>The load balancers allowed to send a PROXY protocol header (<see cref="SmtpOptions.TrustedProxies"/>).</summary>
internal sealed class TrustedProxyList
{
    private readonly List<IPNetwork> _networks = [];

    public TrustedProxyList(IEnumerable<string> networks)
    {
        foreach (var text in networks)
        {
            if (TryParseNetwork(text, out var network))
            {
                _networks.Add(network);
            }
        }
    }

    /// <summary>True when <paramref name="address"/> (IPv4-mapped IPv6 counts as IPv4) is within a trusted network.</summary>
    public bool Contains(IPAddress address)
    {
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Exists(n => n.Contains(normalized));
    }

    /// <summary>Parses "10.0.0.0/8", "fd00::/64" or a bare address (a network of one).</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(text, out network);
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}
