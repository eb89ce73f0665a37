using System.Globalization;
using System.Text.RegularExpressions;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Activity;
using OutboundGuard.Storage.Verdicts;

namespace OutboundGuard.Admin.Ui;

/// <summary>One finding type (detector) on an account: each distinct sentence, how often and when last.</summary>
internal sealed record FindingGroup(string Detector, IReadOnlyList<(string Text, int Count, DateTimeOffset Last, double Weight)> Findings);

/// <summary>Downstream replies about one message, one line per message with each recipient's reply inside.</summary>
internal sealed record DeliveryGroup(Guid MessageId, DateTimeOffset At, IReadOnlyList<DeliveryOutcome> Outcomes)
{
    /// <summary>"delivered to 3, deferred 1" (counts per outcome).</summary>
    public string Summary => string.Join(", ", Outcomes.GroupBy(o => o.Outcome).Select(g => $"{g.Key} {g.Count()}"));
}

/// <summary>What the account page reads out of the stored verdicts and replies: findings by type, replies by message, accounts named by id.</summary>
internal static partial class AccountFindings
{
    [GeneratedRegex(@"account (\d+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex(@"messages in 1 min, limit (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex MinuteLimitPattern();

    /// <summary>The findings of <paramref name="verdicts"/> grouped by detector, the heaviest first.</summary>
    public static IReadOnlyList<FindingGroup> ByDetector(IEnumerable<VerdictRecord> verdicts)
        => [.. verdicts.SelectMany(v => v.EvidenceItems.Select(e => (e, v.DecidedAt)))
            .GroupBy(x => x.e.Detector, StringComparer.Ordinal)
            .Select(g => new FindingGroup(g.Key, [.. g.GroupBy(x => x.e.Text, StringComparer.Ordinal)
                .Select(t => (t.Key, t.Count(), t.Max(x => x.DecidedAt), t.Max(x => x.e.Weight)))
                .OrderByDescending(t => t.Item4)]))
            .OrderByDescending(g => g.Findings.Max(f => f.Weight))];

    /// <summary>Replies grouped per message, newest first.</summary>
    public static IReadOnlyList<DeliveryGroup> ByMessage(IEnumerable<DeliveryOutcome> outcomes)
        => [.. outcomes.GroupBy(o => o.MessageId).Select(g => new DeliveryGroup(g.Key, g.Max(o => o.AttemptedAt), [.. g.OrderBy(o => o.Recipient, StringComparer.Ordinal)])).OrderByDescending(g => g.At)];

    /// <summary>The account ids named in <paramref name="texts"/> ("suspended account 42").</summary>
    public static IReadOnlySet<long> NamedAccountIds(IEnumerable<string> texts)
        => texts.SelectMany(t => AccountIdPattern().Matches(t)).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToHashSet();

    /// <summary>Splits <paramref name="text"/> into plain parts and account ids to link (id null for a plain part).</summary>
    public static IEnumerable<(string Text, long? AccountId)> Parts(string text)
    {
        var at = 0;
        foreach (Match m in AccountIdPattern().Matches(text))
        {
            var idStart = m.Groups[1].Index;
            yield return (text[at..idStart], null);
            yield return (m.Groups[1].Value, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            at = idStart + m.Groups[1].Length;
        }

        yield return (text[at..], null);
    }

    /// <summary>The per-minute message limit the latest rate finding applied (it is lower than the account's for a new account on its trust ramp), or null.</summary>
    public static int? AppliedMinuteLimit(IEnumerable<VerdictRecord> newestFirst)
        => newestFirst.SelectMany(v => v.EvidenceItems).Select(e => MinuteLimitPattern().Match(e.Text)).Where(m => m.Success)
            .Select(m => (int?)int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).FirstOrDefault();

    /// <summary>Addresses of the accounts named by id (unknown ids left out).</summary>
    public static async Task<IReadOnlyDictionary<long, string>> AddressesAsync(AccountRepository accounts, IReadOnlySet<long> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, string>();
        foreach (var id in ids.Take(50))
        {
            if (await accounts.FindByIdAsync(id, cancellationToken) is { } a)
            {
                result[id] = a.Address;
            }
        }

        return result;
    }
}
