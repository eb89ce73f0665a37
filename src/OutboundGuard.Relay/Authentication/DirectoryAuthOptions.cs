namespace OutboundGuard.Relay.Authentication;

/// <summary>How the relay asks tenants' directories (Dovecot, LDAP) at AUTH. Section "OutboundGuard:DirectoryAuth".</summary>
public sealed class DirectoryAuthOptions
{
    public const string Section = "OutboundGuard:DirectoryAuth";

    /// <summary>
    /// How long one check may take, connection included, before the client gets 454 4.7.0 (try again later).
    /// Defaults to 5 s: well within a client's AUTH reply timeout (RFC 5321 §4.5.3.2 gives commands 5 min), long
    /// enough for a directory under load.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The service name sent to Dovecot (<c>service=</c>), which passdb rules may match. Defaults to <c>smtp</c>, as Postfix sends.</summary>
    public string DovecotService { get; set; } = "smtp";
}
