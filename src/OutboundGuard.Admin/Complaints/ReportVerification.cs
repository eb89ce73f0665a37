namespace OutboundGuard.Admin.Complaints;

/// <summary>Whether a report weighs in scoring, and why or why not in words ops read.</summary>
/// <param name="Verified">True when a DKIM signature of a configured source verified.</param>
/// <param name="Source">The configured source's name, when verified.</param>
/// <param name="Text">E.g. "DKIM signature of fbl.provider.example (selector s1) verified: source mailbox-provider".</param>
public sealed record ReportVerification(bool Verified, string? Source, string Text);
