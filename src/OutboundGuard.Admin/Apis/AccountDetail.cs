using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Activity;
using OutboundGuard.Storage.Quarantine;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Admin.Apis;

/// <summary>An account as ops see it.</summary>
public sealed record AccountSummary(
    string Address, string Tenant, string State, string? StateReason, DateTimeOffset? ThrottledUntil, bool CredentialResetRequired,
    int? MessagesPerMinute, int? MessagesPerHour, int? RecipientsPerMinute, int? RecipientsPerHour, int? RecipientsPerDay, DateTimeOffset CreatedAt)
{
    public static AccountSummary From(AccountRecord a) => new(
        a.Address, a.Tenant, a.State, a.StateReason, a.ThrottledUntil, a.CredentialResetRequired,
        a.LimitMessagesPerMinute, a.LimitMessagesPerHour, a.LimitRecipientsPerMinute, a.LimitRecipientsPerHour, a.LimitRecipientsPerDay, a.CreatedAt);
}

/// <summary>One entry of an account's evidence timeline: a verdict, a state change or a delivery outcome, in words.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">verdict, state, delivery or refused (attempts refused at MAIL FROM, one entry per account and 10 min at most).</param>
/// <param name="Text">What happened, in words.</param>
/// <param name="Evidence">For a verdict, each piece of evidence in words with its detector and weight.</param>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Text, IReadOnlyList<string> Evidence);

/// <summary>An account with its evidence timeline (newest first), held mail and counts.</summary>
/// <param name="Account">The account's state and limits.</param>
/// <param name="Timeline">Verdicts, state changes, delivery outcomes and refused attempts, newest first.</param>
/// <param name="Held">Its held mail, newest first (at most 50).</param>
/// <param name="VerdictCounts">Its verdicts by action.</param>
/// <param name="MessageCounts">Its messages by state.</param>
/// <param name="RefusedAttempts">Attempts refused at MAIL FROM in the last 24 h because the account was suspended or throttled.</param>
public sealed record AccountDetail(
    AccountSummary Account,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<HeldMessageSummary> Held,
    IReadOnlyDictionary<string, long> VerdictCounts,
    IReadOnlyDictionary<string, long> MessageCounts,
    RefusedAttemptTotals RefusedAttempts);

/// <summary>Attempts of an account refused at MAIL FROM (no message read) in the last 24 h.</summary>
/// <param name="Suspended">Refused with 550 5.7.1 while it was suspended.</param>
/// <param name="Throttled">Refused with 451 4.7.1 during a throttle cool-down.</param>
public sealed record RefusedAttemptTotals(long Suspended, long Throttled);

/// <summary>A held message in a list.</summary>
public sealed record HeldMessageSummary(Guid Id, string? Account, string EnvelopeFrom, IReadOnlyList<string> Recipients, string? Subject, string? HeaderFrom, long SizeOctets, string State, DateTimeOffset ReceivedAt, string? Reason)
{
    public static HeldMessageSummary From(HeldMessage m) => new(m.Id, m.Address, m.EnvelopeFrom, m.Recipients, m.Subject, m.HeaderFrom, m.SizeOctets, m.State, m.ReceivedAt, m.VerdictReason);
}

/// <summary>Builds an account's detail from the stored verdicts, state history, delivery outcomes and held mail.</summary>
public sealed class AccountEvidence(
    AccountRepository accounts, VerdictRepository verdicts, ActivityRepository activity, RefusedAttemptRepository refused,
    QuarantineRepository quarantine, Storage.Spool.SpooledMessageRepository messages, TimeProvider time)
{
    /// <summary>The refused attempts of one such window make one timeline entry. 10 min.</summary>
    public static readonly TimeSpan RefusedWindow = TimeSpan.FromMinutes(10);

    public async Task<AccountDetail?> GetAsync(string address, CancellationToken cancellationToken)
    {
        var account = await accounts.FindAsync(address, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var timeline = new List<TimelineEntry>();
        foreach (var v in await verdicts.LatestForAccountAsync(account.Id, 50, onlyFindings: true, cancellationToken))
        {
            var to = v.RecipientCount == 1 ? "1 recipient" : $"{v.RecipientCount} recipients";
            timeline.Add(new TimelineEntry(v.DecidedAt, "verdict", $"{v.Action} (score {v.Score:0.#}): {v.Reason} — \"{v.Subject}\" to {to}",
                [.. v.EvidenceItems.Select(e => $"{e.Text} ({e.Detector}, weight {e.Weight:0.#})")]));
        }

        foreach (var h in await accounts.HistoryAsync(account.Id, 50, cancellationToken))
        {
            timeline.Add(new TimelineEntry(h.ChangedAt, "state", $"{h.FromState} → {h.ToState} by {h.Actor}: {h.Reason}", []));
        }

        foreach (var d in await activity.DeliveryOutcomesAsync(account.Id, 50, cancellationToken))
        {
            timeline.Add(new TimelineEntry(d.AttemptedAt, "delivery", $"{d.Outcome}{(d.Recipient is null ? "" : " for " + d.Recipient)}: {d.ReplyCode} {d.ReplyText}".TrimEnd(), []));
        }

        var now = time.GetUtcNow();
        var windows = await refused.BucketsAsync(now.AddDays(-1), now.AddMinutes(1), RefusedWindow, account.Id, cancellationToken);
        foreach (var w in windows)
        {
            timeline.Add(new TimelineEntry(w.Minute, "refused", RefusedText(w), []));
        }

        var held = await quarantine.ListAsync(account.Id, 50, cancellationToken);
        return new AccountDetail(
            AccountSummary.From(account),
            [.. timeline.OrderByDescending(t => t.At)],
            [.. held.Select(HeldMessageSummary.From)],
            await verdicts.CountsForAccountAsync(account.Id, cancellationToken),
            await messages.CountByStateAsync(account.Id, cancellationToken),
            new RefusedAttemptTotals(windows.Sum(w => (long)w.Suspended), windows.Sum(w => (long)w.Throttled)));
    }

    /// <summary>"refused 81 attempts while suspended", "… while throttled", or both, for one window.</summary>
    public static string RefusedText(RefusedAttemptCount window)
    {
        static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";
        var parts = new List<string>(2);
        if (window.Suspended > 0)
        {
            parts.Add($"{Attempts(window.Suspended)} while suspended");
        }

        if (window.Throttled > 0)
        {
            parts.Add($"{Attempts(window.Throttled)} while throttled");
        }

        return $"refused {string.Join(" and ", parts)} (at MAIL FROM, within {RefusedWindow.TotalMinutes:0} min)";
    }
}
