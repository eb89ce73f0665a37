using System.Net;

namespace OutboundGuard.Smtp.Handoff;

/// <summary>What the relay layer may know of a session: where it comes from, how it is secured, who it is.</summary>
public sealed class SmtpSessionInfo
{
    /// <summary>Correlation id of the session, also written in every log event of it.</summary>
    public required string SessionId { get; init; }

    /// <summary>The client's address (after the PROXY protocol, when a load balancer is trusted).</summary>
    public required IPEndPoint RemoteEndPoint { get; set; }

    /// <summary>The listener the session arrived on.</summary>
    public required IPEndPoint LocalEndPoint { get; init; }

    /// <summary>The name the client gave in EHLO or HELO, or null before it did.</summary>
    public string? HeloName { get; set; }

    /// <summary>True once STARTTLS completed or on an implicit-TLS listener.</summary>
    public bool IsSecure { get; set; }

    /// <summary>The TLS client certificate's subject, when the client presented one.</summary>
    public string? ClientCertificateSubject { get; set; }

    /// <summary>The TLS client certificate's SHA-256 fingerprint (64 lower-case hex digits), when the client presented one.</summary>
    public string? ClientCertificateFingerprint { get; set; }

    /// <summary>Who is sending, or null while the client is unknown (it then cannot relay).</summary>
    public SmtpIdentity? Identity { get; set; }
}
