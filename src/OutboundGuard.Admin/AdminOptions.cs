using OutboundGuard.Admin.Alerts;

namespace OutboundGuard.Admin;

/// <summary>The ops review surface, section <c>OutboundGuard:Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "OutboundGuard:Admin";

    /// <summary>How long a UI sign-in lasts without activity. Defaults to 8 h (a working day).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Send the sign-in cookie only over HTTPS. Defaults to false (the UI is often reached over a loopback or a TLS-terminating proxy); set true when served over HTTPS.</summary>
    public bool SecureCookie { get; set; }

    /// <summary>How failed sign-ins to the web UI slow down the next try (per user name and client address).</summary>
    public Security.SignInThrottleOptions SignIn { get; set; } = new();

    /// <summary>Alerts when an account is throttled or suspended.</summary>
    public AlertOptions Alerts { get; set; } = new();

    /// <summary>
    /// When a suspension is reviewed as a false alarm, also reinstate the accounts that were suspended only through it
    /// (its blocked fingerprint or its links). False lists them in the outcome for ops to review one by one. Default true.
    /// </summary>
    public bool ReinstateLinkedOnFalseAlarm { get; set; } = true;
}
