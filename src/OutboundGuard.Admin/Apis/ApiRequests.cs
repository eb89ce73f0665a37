namespace OutboundGuard.Admin.Apis;

/// <summary>A state change that needs a reason.</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>A throttle set by hand: why, and for how many minutes (default 15, the policy's first cool-down; at most 7 days).</summary>
public sealed record ThrottleRequest(string? Reason, int? Minutes);

/// <summary>New account.</summary>
public sealed record CreateAccountRequest(string? Address, string? Tenant, string? Password);

/// <summary>New per-account limits; a null limit falls back to the default.</summary>
public sealed record SetLimitsRequest(int? MessagesPerMinute, int? MessagesPerHour, int? RecipientsPerMinute, int? RecipientsPerHour, int? RecipientsPerDay, string? Reason);

/// <summary>A new SMTP password for an account (at least 12 characters), e.g. after a hijack.</summary>
public sealed record SetPasswordRequest(string? Password, string? Reason);

/// <summary>The review decision on an account: hijacked, abusive or false_alarm.</summary>
public sealed record ReviewRequest(string? Decision, string? Reason, bool ReleaseHeld = false);

/// <summary>The same action on several held messages: release or delete.</summary>
public sealed record BulkRequest(IReadOnlyList<Guid>? Ids, string? Action, string? Reason);

/// <summary>New tenant, optionally with its alert address and connector ranges.</summary>
public sealed record CreateTenantRequest(string? Domain, string? AdminEmail, IReadOnlyList<string>? ConnectorIps);

/// <summary>A connector range (IP or CIDR) of a tenant.</summary>
public sealed record ConnectorRequest(string? Network);

/// <summary>The tenant's alert address; null or empty clears it.</summary>
public sealed record AdminEmailRequest(string? Email);

/// <summary>A domain for the URL block or allow list.</summary>
public sealed record UrlListRequest(string? Domain, string? Reason);

/// <summary>A new API key: its name, role and optional expiry (a span such as 30d, or a date).</summary>
public sealed record CreateApiKeyRequest(string? Name, string? Role, string? Expires);
