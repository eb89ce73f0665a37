namespace OutboundGuard.Hosting;

/// <summary>The serve verb's own options; each, when given, overrides its configuration key.</summary>
internal sealed record ServeArguments(string? Smtp, string? Http, string? Smarthost, string? Environment = null)
{
    public Dictionary<string, string?> ToConfiguration()
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (Smtp is not null)
        {
            values["OutboundGuard:Smtp:Listeners:0:Endpoint"] = Smtp;
            values["OutboundGuard:Smtp:Listeners:0:Mode"] = "Plain";
        }

        if (Http is not null)
        {
            values[$"{HttpOptions.Section}:Endpoint"] = Http;
        }

        if (!string.IsNullOrWhiteSpace(Environment))
        {
            values["OutboundGuard:Environment"] = Environment.Trim();
        }

        if (Smarthost is not null)
        {
            var (host, port) = SplitEndpoint(Smarthost, "--smarthost");
            values["OutboundGuard:Delivery:Smarthost:Host"] = host;
            values["OutboundGuard:Delivery:Smarthost:Port"] = port;
        }

        return values;
    }

    internal static (string Host, string Port) SplitEndpoint(string endpoint, string option)
    {
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"{option} must be HOST:PORT, e.g. 127.0.0.1:2601; got '{endpoint}'.");
        }

        return (endpoint[..colon].Trim('[', ']'), port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
