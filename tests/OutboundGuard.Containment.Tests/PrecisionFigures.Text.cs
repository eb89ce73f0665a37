using System.Globalization;
using System.Text;

namespace OutboundGuard.Containment.Tests;

/// <summary>The figures as the table printed to the test output and written to artifacts/.</summary>
public sealed partial class PrecisionFigures
{
    public string ToText(int seed, string source, double replaySeconds)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Precision suite, seed {seed} ({(seed == 1 ? "tuning" : "held out")}): {Messages} messages, texts from {source}, replayed in {replaySeconds:0} s");
        text.AppendLine();
        text.AppendLine(c, $"{"LEGITIMATE SENDERS",-42} {"ACCTS",5} {"SENT",5} {"ACC",5} {"DEF",5} {"REF",5} {"FAIL",4} {"HELD",4} {"DELIV",5} {"SUSP",4} {"THR",4}  NON-250 REPLIES");
        foreach (var s in Senders)
        {
            var replies = s.Replies.Count == 0 ? "-" : string.Join(", ", s.Replies.Select(r => $"{r.Key} ×{r.Value}"));
            text.AppendLine(c, $"{s.Group,-42} {s.Accounts,5} {s.Sent,5} {s.Accepted,5} {s.Deferred,5} {s.Refused,5} {s.Failed,4} {s.Held,4} {s.Delivered,5} {s.Suspended,4} {s.Throttled,4}  {replies}");
        }

        var (deferred, sent) = WithinLimits;
        text.AppendLine(c, $"Legitimate accounts suspended: {Senders.Sum(s => s.Suspended)}; messages refused: {Senders.Sum(s => s.Refused)}; held: {Senders.Sum(s => s.Held)}; accounts throttled at least once: {Senders.Sum(s => s.Throttled)}.");
        text.AppendLine(c, $"Within their limits: {deferred} of {sent} messages deferred ({(sent == 0 ? 0 : 100.0 * deferred / sent):0.##} %, aim ≤ 0.1 %). Bulk senders: {Senders.Where(s => s.Bulk).Sum(s => s.Deferred)} of {Senders.Where(s => s.Bulk).Sum(s => s.Sent)} deferred (allowed).");
        text.AppendLine();
        text.AppendLine(c, $"{"ATTACK",-32} {"ACCTS",5} {"ABUSIVE",7} {"OUT",5} {"MAX/ACCT",8} {"1ST THR",7} {"1ST SUSP",8} {"CONTAINED",9}  AIM");
        foreach (var a in Attacks)
        {
            text.AppendLine(c, $"{a.Attack,-32} {a.Accounts,5} {a.Abusive,7} {a.Out,5} {a.MaxOutPerAccount,8} {At(a.FirstThrottleAt),7} {At(a.FirstSuspensionAt),8} {a.AccountsContained + "/" + a.Accounts,9}  {a.Aim}: {(a.Met ? "met" : "MISSED")}");
        }

        text.AppendLine("(OUT: abusive messages that reached the smarthost, matched by Message-ID; 1ST THR/SUSP: the account's message number of the first 451 4.7.1 / 550 5.7.1, earliest account.)");
        text.AppendLine();
        text.AppendLine("Top findings on legitimate accounts' throttle, quarantine and suspension verdicts (verdicts carrying it):");
        if (Reasons.Count == 0)
        {
            text.AppendLine("  none");
        }

        foreach (var r in Reasons)
        {
            text.AppendLine(c, $"  {r.Verdicts,5}  [{r.Detector}] {r.Pattern}   ({r.Actions})");
            text.AppendLine(c, $"         e.g. {r.Example}");
        }

        return text.ToString();
    }

    private static string At(int? message) => message is { } m ? "#" + m.ToString(CultureInfo.InvariantCulture) : "-";
}
