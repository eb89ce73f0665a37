namespace OutboundGuard.Relay;

/// <summary>How the relay maps sessions to accounts. Section "OutboundGuard:Relay".</summary>
public sealed class RelayOptions
{
    public const string Section = "OutboundGuard:Relay";

    /// <summary>
    /// A header field naming the sending account behind a connector (e.g. "X-AuthUser", as some appliances add);
    /// empty (the default) uses the envelope sender. Read from the message's header block at the end of data and
    /// trusted only on sessions known by a connector range (the address must be within the connector's tenant,
    /// else 550 5.7.1); removed from every message before it is stored, so the next hop never sees it.
    /// </summary>
    public string? ConnectorAccountHeader { get; set; }

    /// <summary>
    /// Require the envelope sender of an AUTH session to be within the account's tenant (its domain or a
    /// subdomain). Default true: an account may not send as another customer's domain.
    /// </summary>
    public bool RequireSenderInTenant { get; set; } = true;
}
