using System.Net;

namespace OutboundGuard.Hosting;

/// <summary>Parses listener endpoints such as 127.0.0.1:2525, [::1]:2525, 0.0.0.0:25 or localhost:8025.</summary>
internal static class EndpointParser
{
    /// <exception cref="ArgumentException">Not ADDRESS:PORT; the message names the configuration key.</exception>
    public static IPEndPoint Parse(string endpoint, string key)
    {
        var text = endpoint.Trim();
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1" + text["localhost".Length..];
        }

        if (IPEndPoint.TryParse(text, out var parsed) && parsed.Port > 0)
        {
            return parsed;
        }

        throw new ArgumentException($"{key} must be ADDRESS:PORT such as 127.0.0.1:2525 or [::1]:2525; got '{endpoint}'.");
    }
}
