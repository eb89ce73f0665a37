using System.Globalization;
using System.Text;
using System.Text.Json;
using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Reporting;

/// <summary>The report as a table for people and as JSON for CI.</summary>
public static class ReportText
{
    public static string ToJson(ReplayReport report) => JsonSerializer.Serialize(report, BurstJson.Document);

    public static ReplayReport? FromJson(string json) => JsonSerializer.Deserialize<ReplayReport>(json, BurstJson.Document);

    public static string ToText(ReplayReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Burst {report.Burst} → {report.Server}, pace {report.Pace}, {report.DurationSeconds:0.0} s");
        text.AppendLine(c, $"{"ACCOUNT",-36} {"ROLE",-10} {"SENT",5} {"ACC",5} {"DEF",5} {"REJ",5} {"FAIL",5} {"BEFORE",6}  FIRST THROTTLE        FIRST SUSPENSION");
        foreach (var a in report.Accounts)
        {
            text.AppendLine(c, $"{a.Account,-36} {a.Role,-10} {a.Sent,5} {a.Accepted,5} {a.Deferred,5} {a.Rejected,5} {a.Failed,5} {a.AcceptedBeforeContainment,6}  {Describe(a.FirstThrottle),-20}  {Describe(a.FirstSuspension)}");
        }

        text.AppendLine(c, $"Total: {report.Sent} sent, {report.Accepted} accepted, {report.Deferred} deferred (4xx), {report.Rejected} rejected (5xx), {report.Failed} failed, {report.Skipped} skipped.");
        text.AppendLine(c, $"Legitimate: {report.LegitimateSent} sent, {report.LegitimateDeferred} deferred ({Percent(report.LegitimateDeferred, report.LegitimateSent)}), {report.LegitimateRejected} rejected, {report.LegitimateAccountsSuspended} account(s) suspended.");
        text.AppendLine(c, $"Abusive: {report.AbusiveAccepted} accepted, {report.AbusiveAcceptedBeforeContainment} before containment.");
        return text.ToString();
    }

    private static string Describe(Milestone? m) => m is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"after {m.AfterMessages} msg / {m.AfterSeconds:0.#} s");

    private static string Percent(int part, int whole) => whole == 0 ? "0 %" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0.##} %");
}
