using System.Globalization;
using System.Net.Sockets;

namespace OutboundGuard.Relay.Authentication;

/// <summary>What a failed connection to a tenant's directory (Dovecot, LDAP) is called in event 1401: one wording for both.</summary>
public static class DirectoryConnectionFailure
{
    /// <summary>Why the directory is unavailable, in words; null when <paramref name="exception"/> is no connection failure.</summary>
    /// <param name="exception">What the check threw.</param>
    /// <param name="endpoint">The endpoint as the operator wrote it (no secrets).</param>
    /// <param name="timeout">The check's time limit.</param>
    /// <param name="timedOut">Whether the check's own deadline passed (not the caller's cancellation).</param>
    public static string? Describe(Exception exception, string endpoint, TimeSpan timeout, bool timedOut) => exception switch
    {
        OperationCanceledException when timedOut => $"{endpoint} did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
        SocketException e => $"cannot reach {endpoint}: {e.SocketErrorCode}",
        IOException => $"the connection to {endpoint} broke",
        InvalidDataException e => $"{endpoint}: {e.Message}",
        _ => null,
    };
}
