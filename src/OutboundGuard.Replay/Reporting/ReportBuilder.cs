using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Replaying;

namespace OutboundGuard.Replay.Reporting;

/// <summary>Turns the replies of a replay into the per-account report.</summary>
public static class ReportBuilder
{
    public static ReplayReport Build(Burst burst, IReadOnlyList<SendResult> results, string server, ReplayPace pace, DateTimeOffset startedAt, TimeSpan duration)
    {
        var accounts = burst.AccountAddresses
            .Select(a => Account(a, burst.IsAbusive(a), [.. results.Where(r => r.Entry.Account.Equals(a, StringComparison.OrdinalIgnoreCase))]))
            .ToList();
        var legitimate = accounts.Where(a => a.Role == Roles.Legitimate).ToList();
        var abusive = accounts.Where(a => a.Role == Roles.Abusive).ToList();
        return new ReplayReport
        {
            Burst = burst.Name,
            Server = server,
            Pace = pace.ToString(),
            StartedAt = startedAt,
            DurationSeconds = Math.Round(duration.TotalSeconds, 3),
            Sent = accounts.Sum(a => a.Sent),
            Accepted = accounts.Sum(a => a.Accepted),
            Deferred = accounts.Sum(a => a.Deferred),
            Rejected = accounts.Sum(a => a.Rejected),
            Failed = accounts.Sum(a => a.Failed),
            Skipped = accounts.Sum(a => a.Skipped),
            LegitimateSent = legitimate.Sum(a => a.Sent),
            LegitimateDeferred = legitimate.Sum(a => a.Deferred),
            LegitimateRejected = legitimate.Sum(a => a.Rejected),
            LegitimateAccountsSuspended = legitimate.Count(a => a.FirstSuspension is not null),
            AbusiveAccepted = abusive.Sum(a => a.Accepted),
            AbusiveAcceptedBeforeContainment = abusive.Sum(a => a.AcceptedBeforeContainment),
            Accounts = accounts,
        };
    }

    private static AccountReport Account(string account, bool abusive, List<SendResult> results)
    {
        Milestone? throttle = null, suspension = null;
        int sent = 0, acceptedBefore = 0;
        var first = results.FirstOrDefault()?.Entry.OffsetMs ?? 0;
        foreach (var r in results)
        {
            if (r.Outcome == SendOutcome.Skipped)
            {
                continue;
            }

            var seconds = (r.Entry.OffsetMs - first) / 1000.0;
            if (r.IsThrottle && throttle is null)
            {
                throttle = new Milestone(sent, seconds, $"{r.Code} {r.Text}");
            }

            if (r.IsSuspension && suspension is null)
            {
                suspension = new Milestone(sent, seconds, $"{r.Code} {r.Text}");
            }

            if (r.Outcome == SendOutcome.Accepted && throttle is null && suspension is null)
            {
                acceptedBefore++;
            }

            sent++;
        }

        return new AccountReport
        {
            Account = account,
            Role = abusive ? Roles.Abusive : Roles.Legitimate,
            Sent = sent,
            Accepted = results.Count(r => r.Outcome == SendOutcome.Accepted),
            Deferred = results.Count(r => r.Outcome == SendOutcome.Deferred),
            Rejected = results.Count(r => r.Outcome == SendOutcome.Rejected),
            Failed = results.Count(r => r.Outcome == SendOutcome.Failed),
            Skipped = results.Count(r => r.Outcome == SendOutcome.Skipped),
            AcceptedBeforeContainment = acceptedBefore,
            Replies = results
                .Where(r => r.Outcome is SendOutcome.Deferred or SendOutcome.Rejected or SendOutcome.Failed)
                .GroupBy(ReplyKey, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            FirstThrottle = throttle,
            FirstSuspension = suspension,
        };
    }

    /// <summary>A reply's code and enhanced code, e.g. "451 4.7.1"; "failed" without a reply.</summary>
    public static string ReplyKey(SendResult result)
    {
        if (result.Outcome == SendOutcome.Failed && result.Code == 0)
        {
            return "failed";
        }

        var first = result.Text.Split(' ', 2)[0];
        return first.Length >= 5 && char.IsDigit(first[0]) && first[1] == '.' ? $"{result.Code} {first}" : result.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The roles of an account in a report.</summary>
    public static class Roles
    {
        public const string Abusive = "abusive";
        public const string Legitimate = "legitimate";
    }
}
