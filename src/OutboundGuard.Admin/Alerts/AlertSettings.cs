using System.Globalization;
using Microsoft.Extensions.Options;
using OutboundGuard.Storage.Settings;

namespace OutboundGuard.Admin.Alerts;

/// <summary>The alert settings in force: those changed at run time (stored) over the configured ones.</summary>
public sealed class AlertSettings(AdminSettingsRepository settings, IOptions<AdminOptions> options)
{
    public const string EnabledKey = "alerts.enabled";
    public const string WebhookUrlKey = "alerts.webhook_url";
    public const string EmailEnabledKey = "alerts.email_enabled";
    public const string FromKey = "alerts.from";
    public const string OpsEmailKey = "alerts.ops_email";

    /// <summary>The settings in force now.</summary>
    public async Task<AlertSettingsView> CurrentAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.Alerts;
        var stored = await settings.GetAllAsync(cancellationToken);
        return new AlertSettingsView(
            Bool(stored, EnabledKey) ?? configured.Enabled,
            stored.TryGetValue(WebhookUrlKey, out var url) ? NullIfEmpty(url) : configured.WebhookUrl,
            Bool(stored, EmailEnabledKey) ?? configured.EmailEnabled,
            stored.TryGetValue(FromKey, out var from) && !string.IsNullOrWhiteSpace(from) ? from : configured.From,
            stored.TryGetValue(OpsEmailKey, out var ops) ? NullIfEmpty(ops) : configured.OpsEmail);
    }

    /// <summary>Stores new settings (audited); a null field keeps the current value.</summary>
    public Task SaveAsync(AlertSettingsUpdate update, string actor, string? reason, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (update.Enabled is { } enabled)
        {
            values[EnabledKey] = enabled ? "true" : "false";
        }

        if (update.WebhookUrl is { } url)
        {
            values[WebhookUrlKey] = url.Trim();
        }

        if (update.EmailEnabled is { } email)
        {
            values[EmailEnabledKey] = email ? "true" : "false";
        }

        if (update.From is { } from)
        {
            values[FromKey] = from.Trim();
        }

        if (update.OpsEmail is { } ops)
        {
            values[OpsEmailKey] = ops.Trim();
        }

        return settings.SetAsync(values, actor, reason, cancellationToken);
    }

    private static bool? Bool(IReadOnlyDictionary<string, string?> stored, string key)
        => stored.TryGetValue(key, out var v) && bool.TryParse(v, out var b) ? b : null;

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.ToString(CultureInfo.InvariantCulture);
}
