using System.Diagnostics.Metrics;

namespace OutboundGuard.Smtp;

/// <summary>
/// The SMTP server's instruments on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics); the
/// host exports them (Prometheus at /metrics).
/// </summary>
public static class SmtpMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "OutboundGuard.Smtp";

    /// <summary>Up-down counter: sessions open now.</summary>
    public const string ActiveSessionsName = "outboundguard.smtp.sessions.active";

    /// <summary>Counter: sessions started since the process started.</summary>
    public const string SessionsName = "outboundguard.smtp.sessions";

    /// <summary>Counter: connections refused before a session started, tagged "reason" (limit, proxy).</summary>
    public const string RefusedName = "outboundguard.smtp.connections.refused";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly UpDownCounter<long> ActiveSessions = Meter.CreateUpDownCounter<long>(ActiveSessionsName, "{session}", "SMTP sessions open now");

    internal static readonly Counter<long> Sessions = Meter.CreateCounter<long>(SessionsName, "{session}", "SMTP sessions started");

    internal static readonly Counter<long> Refused = Meter.CreateCounter<long>(RefusedName, "{connection}", "Connections refused before a session started");
}
