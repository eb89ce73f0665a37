namespace OutboundGuard.Admin.Alerts;

/// <summary>Alert settings in force.</summary>
public sealed record AlertSettingsView(bool Enabled, string? WebhookUrl, bool EmailEnabled, string From, string? OpsEmail);

/// <summary>A change of alert settings; null fields stay as they are, an empty webhook URL or ops address turns it off.</summary>
public sealed record AlertSettingsUpdate(bool? Enabled, string? WebhookUrl, bool? EmailEnabled, string? From, string? OpsEmail, string? Reason);
