using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Generation;
using OutboundGuard.Replay.Reporting;

namespace OutboundGuard.Containment.Tests;

/// <summary>What one group of legitimate senders suffered.</summary>
public sealed record SenderFigures(string Group, bool Bulk, int Accounts, int Sent, int Accepted, int Deferred, int Refused, int Failed, int Held, int Delivered, int Suspended, int Throttled, IReadOnlyDictionary<string, int> Replies);

/// <summary>What one attack got out, and when it was first contained.</summary>
public sealed record AttackFigures(string Attack, int Accounts, int Abusive, int Out, int MaxOutPerAccount, int? FirstThrottleAt, int? FirstSuspensionAt, int AccountsContained, string Aim, bool Met);

/// <summary>A harmful finding on legitimate accounts' verdicts, numbers and names generalised, with how often it appeared.</summary>
public sealed record HarmfulReason(string Detector, string Pattern, int Verdicts, string Actions, string Example);

/// <summary>
/// The precision suite's figures for one replay: per group of legitimate senders (refused, held, deferred,
/// suspended), per attack (abusive messages that reached the sink, first containment), and the findings
/// that hurt legitimate senders, from the relay's stored verdicts.
/// </summary>
public sealed partial class PrecisionFigures
{
    private static readonly (string Role, string Group)[] LegitimateGroups =
    [
        (PrecisionRoles.Ordinary, "ordinary mailboxes (webmail, office NAT)"),
        (PrecisionRoles.BehindMta, "mailboxes behind their MTA (s1..s20)"),
        (PrecisionRoles.Colleague, "colleagues of attacked mailboxes"),
        (PrecisionRoles.YoungShop, "young shop (5 days old)"),
        (PrecisionRoles.Newsletter, "bulk: newsletter (raised limits)"),
        (PrecisionRoles.InvoiceRun, "bulk: invoice run (default limits)"),
        (PrecisionRoles.NoReply, "bulk: noreply app (default limits)"),
    ];

    public required int Messages { get; init; }
    public required IReadOnlyList<SenderFigures> Senders { get; init; }
    public required IReadOnlyList<AttackFigures> Attacks { get; init; }
    public required IReadOnlyList<HarmfulReason> Reasons { get; init; }

    public static PrecisionFigures Measure(Burst burst, ReplayReport report, IReadOnlyList<string> delivered, PrecisionStore store)
    {
        var byMessageId = new Dictionary<string, BurstEntry>(StringComparer.Ordinal);
        foreach (var entry in burst.Entries)
        {
            byMessageId[MimeKit.HeaderList.Load(burst.ContentPath(entry)!)[MimeKit.HeaderId.MessageId]!.Trim().Trim('<', '>')] = entry;
        }

        var deliveredEntries = delivered.Select(ContainmentRelay.MessageIdOf).Where(id => id is not null && byMessageId.ContainsKey(id)).Select(id => byMessageId[id!]).ToList();
        var deliveredBy = deliveredEntries.GroupBy(e => e.Account, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var accounts = report.Accounts.ToDictionary(a => a.Account, StringComparer.OrdinalIgnoreCase);
        string RoleOf(string account) => burst.AccountSetup(account)?.Role ?? "";
        var legitimate = report.Accounts.Where(a => a.Role == ReportBuilder.Roles.Legitimate).ToList();

        var senders = new List<SenderFigures>();
        foreach (var (role, group) in LegitimateGroups)
        {
            var members = legitimate.Where(a => RoleOf(a.Account) == role).ToList();
            if (members.Count == 0)
            {
                continue;
            }

            var replies = members.SelectMany(a => a.Replies).GroupBy(r => r.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Value), StringComparer.Ordinal);
            senders.Add(new SenderFigures(group, role.StartsWith(PrecisionRoles.BulkPrefix, StringComparison.Ordinal), members.Count,
                members.Sum(a => a.Sent), members.Sum(a => a.Accepted), members.Sum(a => a.Deferred), members.Sum(a => a.Rejected), members.Sum(a => a.Failed),
                members.Sum(a => store.MessagesIn(a.Account, "quarantined")), members.Sum(a => deliveredBy.GetValueOrDefault(a.Account)?.Count ?? 0),
                members.Count(a => a.FirstSuspension is not null || store.States.GetValueOrDefault(a.Account) == "suspended"),
                members.Count(a => a.FirstThrottle is not null || store.EverThrottled.Contains(a.Account)),
                replies));
        }

        var attacks = new List<AttackFigures>
        {
            Attack("full-speed hijack", [PrecisionRoles.Hijack], "≤ 20 out", (o, _) => o <= 20),
            Attack("fresh-signup phishing", [PrecisionRoles.FreshSignup], "≤ 10 out after its first", (o, _) => o - 1 <= 10),
            Attack("campus (first wave + reserves)", [PrecisionRoles.CampusFirstWave, PrecisionRoles.CampusReserve], "≤ 5 out per account", (_, max) => max <= 5),
            Attack("low-and-slow phishing", [PrecisionRoles.LowAndSlow], "≤ 3 out", (o, _) => o <= 3),
            Attack("harvested list (30 % unknown)", [PrecisionRoles.HarvestedList], "≤ 6 out", (o, _) => o <= 6),
        };

        var legitimateNames = legitimate.Select(a => a.Account).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reasons = store.Verdicts
            .Where(v => legitimateNames.Contains(v.Account) && v.Action is not "HighRiskRoute")
            .SelectMany(v => v.Findings.Select(f => (Verdict: v, Finding: f, Pattern: Generalise(f.Text))).DistinctBy(x => x.Pattern))
            .GroupBy(x => (x.Finding.Detector, x.Pattern))
            .Select(g => new HarmfulReason(g.Key.Detector, g.Key.Pattern, g.Count(),
                string.Join(", ", g.GroupBy(x => x.Verdict.Action).OrderByDescending(a => a.Count()).Select(a => $"{a.Key} {a.Count()}")),
                $"{g.First().Finding.Text} ({g.First().Verdict.Account}, +{g.First().Finding.Weight.ToString("0.#", CultureInfo.InvariantCulture)})"))
            .OrderByDescending(r => r.Verdicts).ThenBy(r => r.Pattern, StringComparer.Ordinal)
            .Take(10)
            .ToList();

        return new PrecisionFigures { Messages = burst.Entries.Count, Senders = senders, Attacks = attacks, Reasons = reasons };

        AttackFigures Attack(string name, string[] roles, string aim, Func<int, int, bool> met)
        {
            var members = report.Accounts.Where(a => roles.Contains(RoleOf(a.Account))).ToList();
            var outPer = members.Select(a => deliveredBy.GetValueOrDefault(a.Account)?.Count(e => e.IsAbusive) ?? 0).ToList();
            var total = outPer.Sum();
            var max = outPer.Count == 0 ? 0 : outPer.Max();
            return new AttackFigures(name, members.Count, burst.Entries.Count(e => e.IsAbusive && roles.Contains(RoleOf(e.Account))), total, max,
                members.Where(a => a.FirstThrottle is not null).Select(a => (int?)a.FirstThrottle!.AfterMessages + 1).Min(),
                members.Where(a => a.FirstSuspension is not null).Select(a => (int?)a.FirstSuspension!.AfterMessages + 1).Min(),
                members.Count(a => a.FirstThrottle is not null || a.FirstSuspension is not null || store.States.GetValueOrDefault(a.Account) != "active"),
                aim, met(total, max));
        }
    }

    /// <summary>Legitimate messages of senders within their limits (not the bulk accounts) that were deferred, and how many were sent.</summary>
    public (int Deferred, int Sent) WithinLimits => (Senders.Where(s => !s.Bulk).Sum(s => s.Deferred), Senders.Where(s => !s.Bulk).Sum(s => s.Sent));

    /// <summary>Every acceptance figure missed, in words; empty when all are met.</summary>
    public IReadOnlyList<string> Failures(double maxWithinLimitDeferredShare)
    {
        var failures = new List<string>();
        var suspended = Senders.Sum(s => s.Suspended);
        if (suspended > 0)
        {
            failures.Add($"{suspended} legitimate account(s) suspended (aim 0).");
        }

        if (Senders.Sum(s => s.Refused) is var refused and > 0)
        {
            failures.Add($"{refused} legitimate message(s) refused with 5xx (aim 0).");
        }

        if (Senders.Sum(s => s.Held) is var held and > 0)
        {
            failures.Add($"{held} legitimate message(s) held in quarantine (aim 0).");
        }

        var (deferred, sent) = WithinLimits;
        if (sent > 0 && (double)deferred / sent > maxWithinLimitDeferredShare)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{deferred} of {sent} legitimate messages within their limits deferred ({100.0 * deferred / sent:0.##} %, aim ≤ {100 * maxWithinLimitDeferredShare:0.##} %)."));
        }

        failures.AddRange(Attacks.Where(a => !a.Met).Select(a => $"{a.Attack}: {a.Out} abusive message(s) reached the smarthost, at most {a.MaxOutPerAccount} from one account (aim {a.Aim})."));
        return failures;
    }

    /// <summary>Fingerprints, addresses, names under .example and numbers are generalised, so one finding's variants count together.</summary>
    private static string Generalise(string text)
        => Numbers().Replace(ExampleNames().Replace(Addresses().Replace(Fingerprints().Replace(text, "<fingerprint>"), "<ip>"), "<name>"), "N");

    [GeneratedRegex(@"\b[0-9a-f]{16}\b")]
    private static partial Regex Fingerprints();

    [GeneratedRegex(@"\b\d{1,3}(\.\d{1,3}){3}\b")]
    private static partial Regex Addresses();

    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"[\w.+-]*[\w-]+\.example\b")]
    private static partial Regex ExampleNames();
}
