namespace OutboundGuard.Admin.Alerts;

/// <summary>Alerts when an account is throttled or suspended, section <c>OutboundGuard:Admin:Alerts</c>. The webhook URL and e-mail switch can be changed at run time (alert settings).</summary>
public sealed class AlertOptions
{
    /// <summary>Whether alerts are sent at all. Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>An http(s) URL that receives a JSON POST per alert. Null (the default) sends no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>
    /// Secrets the webhook is signed with (HMAC-SHA256, <see cref="WebhookSignature"/>), each at least 32 characters;
    /// empty (the default) sends it unsigned. Two during a rotation: every request then carries a signature made with
    /// each, so the receiver can move to the new secret before the old one is dropped.
    /// </summary>
    public string[] WebhookSecrets { get; set; } = [];

    /// <summary>Send an e-mail to the tenant's admin address (tenants.admin_email) when it has one. Defaults to true.</summary>
    public bool EmailEnabled { get; set; } = true;

    /// <summary>The From address of alert e-mails. Defaults to outboundguard@localhost.</summary>
    public string From { get; set; } = "outboundguard@localhost";

    /// <summary>Extra address (ops team) that receives every alert e-mail, or null.</summary>
    public string? OpsEmail { get; set; }

    /// <summary>The SMTP server for alert e-mails; when its Host is empty, the delivery smarthost (OutboundGuard:Delivery:Smarthost) is used.</summary>
    public AlertSmtpOptions Smtp { get; set; } = new();

    /// <summary>Attempts per alert before giving up. Defaults to 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the first retry; doubled after each failure. Defaults to 2 s.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between retries. Defaults to 5 min.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one webhook request or SMTP session. Defaults to 15 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Alerts sent at once per tenant per day (UTC); a further throttle or suspension of that tenant's accounts is folded
    /// into the digest. Defaults to 20.
    /// </summary>
    public int DailyBudgetPerTenant { get; set; } = 20;

    /// <summary>Alerts sent at once per day (UTC) over all tenants; beyond it every alert is folded into the digest. Defaults to 200.</summary>
    public int DailyBudgetTotal { get; set; } = 200;

    /// <summary>How often the folded alerts go out as one digest (webhook and e-mail to the ops address). Defaults to 1 h.</summary>
    public TimeSpan DigestInterval { get; set; } = TimeSpan.FromHours(1);
}
