using System.Globalization;
using OutboundGuard.Scoring.Accounts;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>Shared arithmetic of the account-shape detectors: trust ramp, limit scaling and number formatting.</summary>
internal static class DetectorMath
{
    /// <summary>Days after creation at which a clean account reaches its full limits.</summary>
    public const double RampDays = 30;

    /// <summary>Relayed messages after which an account reaches its full limits whatever its age.</summary>
    public const double RampMessages = 1000;

    /// <summary>
    /// The share of its limits a new account may use: 10 % at creation, growing linearly with age (full at
    /// 30 days) and with clean relayed messages (full at 1000); the larger of the two counts.
    /// </summary>
    public static double TrustRamp(AccountProfile account, AccountHistory history)
    {
        double ageDays = Math.Max(0, (history.Now - account.CreatedAt).TotalDays);
        double byAge = ageDays / RampDays;
        double byHistory = history.CleanMessages / RampMessages;
        return Math.Min(1.0, 0.1 + (0.9 * Math.Max(byAge, byHistory)));
    }

    /// <summary>A limit after the trust ramp, never below <paramref name="floor"/>.</summary>
    public static int Ramped(int limit, double ramp, int floor) => Math.Max(Math.Min(limit, floor), (int)Math.Round(limit * ramp));

    /// <summary>
    /// How much burst-shape findings (pace, first-time recipients, domains, sessions) weigh for this account:
    /// 1 with default limits; an account whose limits ops raised N-fold (newsletters, applications) weighs them at 1/N,
    /// because bulk sending is what it is allowed to do.
    /// </summary>
    public static double ShapeScale(AccountLimits limits)
    {
        AccountLimits d = AccountLimits.Default;
        double raised = Math.Max(Math.Max((double)limits.MessagesPerMinute / d.MessagesPerMinute, (double)limits.MessagesPerHour / d.MessagesPerHour),
            Math.Max((double)limits.RecipientsPerMinute / d.RecipientsPerMinute, (double)limits.RecipientsPerHour / d.RecipientsPerHour));
        return raised <= 1 ? 1 : 1 / raised;
    }

    /// <summary>Weight of a count over a limit: 40 at the limit, 100 at twice the limit.</summary>
    public static double OverLimitWeight(int count, int limit) => Math.Min(100, 40 + (60.0 * (count - limit) / Math.Max(1, limit)));

    public static string N(double value) => value.ToString("#,0.#", CultureInfo.InvariantCulture);

    public static string I(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static double Round(double w) => Math.Round(w, 1);
}
