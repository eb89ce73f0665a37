using System.Net;

namespace OutboundGuard.Storage.AuthSources;

/// <summary>Where a Dovecot auth service listens: a unix socket (<c>unix:/path</c> or an absolute path) or <c>host:port</c>.</summary>
public sealed record DovecotEndpoint(string? SocketPath, string? Host, int Port)
{
    /// <summary>Parses an endpoint; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out DovecotEndpoint endpoint, out string? problem)
    {
        endpoint = new DovecotEndpoint(null, null, 0);
        problem = null;
        var value = (text ?? "").Trim();
        if (value.StartsWith("unix:", StringComparison.Ordinal) || value.StartsWith('/'))
        {
            var path = value.StartsWith('/') ? value : value["unix:".Length..];
            if (path.Length > 0 && path.StartsWith('/'))
            {
                endpoint = new DovecotEndpoint(path, null, 0);
                return true;
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon > 0 && int.TryParse(value[(colon + 1)..], out var port) && port is > 0 and <= 65535)
            {
                var host = value[..colon].Trim('[', ']');
                if (host.Length > 0 && (IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns))
                {
                    endpoint = new DovecotEndpoint(null, host, port);
                    return true;
                }
            }
        }

        problem = $"The Dovecot endpoint '{text}' is neither a unix socket (unix:/run/dovecot/auth-client) nor host:port (127.0.0.1:12345).";
        return false;
    }

    public override string ToString() => SocketPath is not null ? "unix:" + SocketPath : $"{Host}:{Port}";
}
