namespace OutboundGuard.Storage.Audit;

/// <summary>Filters of an audit search; a null filter matches everything.</summary>
/// <param name="Target">The exact target (account address, message id, fingerprint, domain).</param>
/// <param name="Actor">The exact actor (<c>user:ana</c>, <c>apikey:ci</c>, <c>policy</c>).</param>
/// <param name="Action">An action or its prefix (<c>account.</c>, <c>message.release</c>).</param>
/// <param name="Text">Words anywhere in the entry, case-insensitive.</param>
/// <param name="From">From this time on.</param>
/// <param name="To">Before this time.</param>
public sealed record AuditQuery(string? Target = null, string? Actor = null, string? Action = null, string? Text = null, DateTimeOffset? From = null, DateTimeOffset? To = null);
