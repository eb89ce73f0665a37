using System.Text;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Replaying;
using OutboundGuard.Replay.Reporting;
using Xunit;

namespace OutboundGuard.Replay.Tests;

public sealed class ReportTests
{
    private static BurstEntry E(string account, long offset, string label) => new() { Account = account, OffsetMs = offset, RcptTo = ["x@example.org"], File = "f.eml", Label = label };

    [Fact]
    public void The_report_counts_messages_before_the_first_throttle_and_suspension_per_account()
    {
        var spam = new[] { E("bad@t.example", 0, "spam"), E("bad@t.example", 1000, "spam"), E("bad@t.example", 2000, "spam"), E("bad@t.example", 3000, "spam"), E("bad@t.example", 4000, "spam") };
        var ham = new[] { E("good@t.example", 500, "ham"), E("good@t.example", 1500, "ham") };
        using var burst = new Burst("b", "/tmp", [.. spam, .. ham], []);
        SendResult[] results =
        [
            new(spam[0], SendOutcome.Accepted, 250, "2.0.0 Queued"),
            new(ham[0], SendOutcome.Accepted, 250, "2.0.0 Queued"),
            new(spam[1], SendOutcome.Accepted, 250, "2.0.0 Queued"),
            new(ham[1], SendOutcome.Deferred, 451, "4.3.0 temporary failure"),
            new(spam[2], SendOutcome.Deferred, 451, "4.7.1 Account bad@t.example is throttled until 08:15:00 UTC"),
            new(spam[3], SendOutcome.Rejected, 550, "5.7.1 Account bad@t.example is suspended for suspected abuse"),
            new(spam[4], SendOutcome.Rejected, 550, "5.7.1 Account bad@t.example is suspended for suspected abuse"),
        ];
        var report = ReportBuilder.Build(burst, results, "127.0.0.1:2525", ReplayPace.Fast, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3));
        var bad = report.Accounts.Single(a => a.Account == "bad@t.example");
        Assert.Equal((5, 2, 1, 2), (bad.Sent, bad.Accepted, bad.Deferred, bad.Rejected));
        Assert.Equal(2, bad.AcceptedBeforeContainment);
        Assert.Equal(new Milestone(2, 2, "451 4.7.1 Account bad@t.example is throttled until 08:15:00 UTC"), bad.FirstThrottle);
        Assert.Equal(3, bad.FirstSuspension!.AfterMessages);
        Assert.Equal(3, bad.FirstSuspension.AfterSeconds);
        Assert.Equal((2, 1, 0, 0), (report.LegitimateSent, report.LegitimateDeferred, report.LegitimateRejected, report.LegitimateAccountsSuspended));
        Assert.Equal(2, report.AbusiveAcceptedBeforeContainment);
        Assert.Null(report.Accounts.Single(a => a.Account == "good@t.example").FirstThrottle);

        var json = ReportText.ToJson(report);
        Assert.Contains("\"accepted_before_containment\": 2", json, StringComparison.Ordinal);
        Assert.Equal(report.Accounts.Count, ReportText.FromJson(json)!.Accounts.Count);
        var text = ReportText.ToText(report);
        Assert.Contains("Legitimate: 2 sent, 1 deferred (50 %), 0 rejected, 0 account(s) suspended.", text, StringComparison.Ordinal);
        Assert.Contains("after 2 msg / 2 s", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_on_a_pipe_prints_a_line_per_tenth_and_on_a_terminal_redraws_one_bar()
    {
        var entry = E("a@t.example", 0, "ham");
        var piped = new StringWriter();
        var progress = new ReplayProgress(piped, interactive: false, total: 20);
        for (var i = 0; i < 20; i++)
        {
            progress.Report(new SendResult(entry, SendOutcome.Accepted, 250, "ok"));
        }

        Assert.Equal(10, piped.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("20/20 sent: 20 accepted, 0 deferred, 0 rejected, 0 failed\n", piped.ToString(), StringComparison.Ordinal);

        var terminal = new StringWriter(new StringBuilder());
        var bar = new ReplayProgress(terminal, interactive: true, total: 2);
        bar.Report(new SendResult(entry, SendOutcome.Rejected, 550, "5.7.1"));
        bar.Report(new SendResult(entry, SendOutcome.Accepted, 250, "ok"));
        bar.Complete();
        Assert.DoesNotContain('\n', terminal.ToString().TrimEnd('\n'));
        Assert.Contains("\r[##############################] 2/2 sent: 1 accepted, 0 deferred, 1 rejected, 0 failed", terminal.ToString(), StringComparison.Ordinal);
    }
}
