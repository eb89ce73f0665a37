namespace OutboundGuard.Delivery.Bounces;

/// <summary>A recipient to report in a DSN.</summary>
/// <param name="Address">The recipient as given at RCPT TO.</param>
/// <param name="Code">The downstream reply code, or null when there was none (connection failures before expiry).</param>
/// <param name="Reply">The downstream reply text, or what happened instead.</param>
/// <param name="Expired">True when the recipient failed because the maximum queue lifetime passed.</param>
internal sealed record FailedRecipient(string Address, int? Code, string Reply, bool Expired);
