namespace OutboundGuard.Smtp.Handoff;

/// <summary>How the server knows who is sending.</summary>
public enum SmtpIdentityKind
{
    /// <summary>SMTP AUTH (RFC 4954) succeeded; the account is the authenticated user.</summary>
    Authenticated,

    /// <summary>The client IP is a registered connector of a tenant; the account is the envelope sender within it.</summary>
    Connector,

    /// <summary>A TLS client certificate's subject is registered for a tenant or account.</summary>
    Certificate,

    /// <summary>
    /// The client IP is in connector ranges of several tenants or of a shared platform (Microsoft 365, Google
    /// Workspace): the address alone names no tenant, so the relay chooses one per transaction and
    /// <see cref="SmtpIdentity.Tenant"/> is empty.
    /// </summary>
    SharedConnector,

    /// <summary>The client IP is a configured feedback-loop source: it may only hand over complaint reports to the relay's report address.</summary>
    FeedbackLoop,
}

/// <summary>
/// Who is sending on this session. <see cref="Account"/> is set for AUTH and certificate identities;
/// for connector identities the account is resolved per transaction from the envelope sender.
/// </summary>
/// <param name="Kind">How the identity was established.</param>
/// <param name="Tenant">The tenant (customer domain) the session relays for; empty for <see cref="SmtpIdentityKind.SharedConnector"/>.</param>
/// <param name="Account">The account address, e.g. alice@tenant.example, or null for connector sessions.</param>
public sealed record SmtpIdentity(SmtpIdentityKind Kind, string Tenant, string? Account);
