using System.Globalization;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring;

public sealed partial class ScoringPipeline
{
    /// <summary>
    /// Whether an accepted message is held for a rescan (<see cref="HoldOptions"/>): the account is younger than
    /// the established age and active, the message is accepted, its score lies in the upper half below the throttle
    /// threshold, and it links to a domain new to the tenant or uses phishing phrasing. Null to deliver at once.
    /// </summary>
    private HoldDecision? HoldFor(MessageUnderReview message, Verdict live, List<string> newDomains,
        IReadOnlyList<(string Label, double Weight)> phishing, DateTimeOffset now)
    {
        ScoringOptions options = _policy.Options;
        AccountProfile account = message.Account;
        if (!options.Hold.Enabled || live.Action is not (VerdictAction.Relay or VerdictAction.HighRiskRoute) || account.State != AccountState.Active
            || account.CreatedAt == default || now - account.CreatedAt >= options.EstablishedAge)
        {
            return null;
        }

        double throttle = _policy.ThresholdsFor(account).Throttle;
        if (live.Score < throttle / 2 || live.Score >= throttle || (newDomains.Count == 0 && phishing.Count == 0))
        {
            return null;
        }

        string what = newDomains.Count > 0
            ? $"links to domain(s) new to tenant {account.Tenant} ({string.Join(", ", newDomains.Take(3))})"
            : $"phishing phrasing ({string.Join(", ", phishing.Select(p => $"\"{p.Label}\""))})";
        string text = $"held {Minutes(options.Hold.Duration)} for a rescan: account {Age(now - account.CreatedAt)} old, score {live.Score.ToString(CultureInfo.InvariantCulture)} "
            + $"in the upper half below the throttle threshold {throttle.ToString(CultureInfo.InvariantCulture)}, {what}";
        return new HoldDecision(options.Hold.Duration, new Evidence("hold", 0, text));
    }

    /// <summary>A duration as ops read it: "15 min", "45 s".</summary>
    public static string Minutes(TimeSpan span)
        => span >= TimeSpan.FromMinutes(1) ? $"{Math.Round(span.TotalMinutes).ToString(CultureInfo.InvariantCulture)} min" : $"{Math.Round(span.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s";

    private static string Age(TimeSpan age)
        => age >= TimeSpan.FromDays(1) ? $"{Math.Floor(age.TotalDays).ToString(CultureInfo.InvariantCulture)} day(s)"
            : age >= TimeSpan.FromHours(1) ? $"{Math.Floor(age.TotalHours).ToString(CultureInfo.InvariantCulture)} h"
            : $"{Math.Floor(age.TotalMinutes).ToString(CultureInfo.InvariantCulture)} min";
}
