namespace OutboundGuard.Relay;

/// <summary>How the relay maps sessions to accounts. Section "OutboundGuard:Relay".</summary>
public sealed class RelayOptions
{
    public const string Section = "OutboundGuard:Relay";

    /// <summary>
    /// In connector mode, a header naming the sending account (e.g. "X-AuthUser", as some appliances add);
    /// empty (the default) uses the envelope sender. Read from the message's header block.
    /// </summary>
    public string? ConnectorAccountHeader { get; set; }

    /// <summary>
    /// Require the envelope sender of an AUTH session to be within the account's tenant (its domain or a
    /// subdomain). Default true: an account may not send as another customer's domain.
    /// </summary>
    public bool RequireSenderInTenant { get; set; } = true;
}
