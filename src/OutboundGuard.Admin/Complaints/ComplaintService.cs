using Microsoft.Extensions.Logging;
using MimeKit;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Storage.Complaints;

namespace OutboundGuard.Admin.Complaints;

/// <summary>
/// The intake of feedback-loop reports, behind both doors (the SMTP address and <c>POST /api/complaints</c>): reads
/// the ARF report, checks its DKIM signature against the configured sources, finds the sending account from the
/// relay's trace header (or a queue id given with it), stores it with its audit entry and, when it weighs, reloads
/// the node's complaint counts so the account's next message is scored with it.
/// </summary>
public sealed class ComplaintService(
    ComplaintRepository complaints,
    ReportVerifier verifier,
    FeedbackLoopOptions options,
    TimeProvider time,
    ILogger<ComplaintService> logger,
    ComplaintLedger? ledger = null)
{
    /// <summary>The largest report accepted, in octets.</summary>
    public int MaxReportSize => options.MaxReportSize;

    /// <summary>
    /// Reads and stores one report. <paramref name="door"/> is "smtp" or "api"; <paramref name="receivedFrom"/> the
    /// client IP or API actor; <paramref name="queueId"/> overrides the trace header (a report whose provider removed
    /// it). Returns the stored row, or null and a problem in words when the content is not an ARF report.
    /// </summary>
    public async Task<(ComplaintRecord? Stored, string? Problem)> ReceiveAsync(Stream content, string door, string receivedFrom, Guid? queueId, CancellationToken cancellationToken)
    {
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(ArfReportReader.ParserOptions, content, cancellationToken);
        }
        catch (FormatException)
        {
            return (null, "not a MIME message");
        }

        if (!ArfReportReader.TryRead(message, out var report, out var problem))
        {
            return (null, problem);
        }

        var verification = await verifier.VerifyAsync(message, cancellationToken);
        var stored = await complaints.InsertAsync(new NewComplaint(door, receivedFrom, verification.Source, verification.Verified, verification.Text,
            report.FeedbackType, queueId ?? report.QueueId, report.OriginalMailFrom, report.ArrivalDate, report.ReportedSubject,
            (int)Math.Min(int.MaxValue, content.CanSeek ? content.Length : 0)), cancellationToken);
        Log.ComplaintReceived(logger, stored.Id, door, stored.FeedbackType, stored.Account ?? "unknown", stored.Verified);
        if (stored.Verified && stored.AccountId is not null)
        {
            await RefreshAsync(cancellationToken);
        }

        return (stored, null);
    }

    /// <summary>Reloads the node's complaint counts from PostgreSQL (after a report, and periodically for other nodes' reports).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (ledger is null)
        {
            return;
        }

        var counts = await complaints.CountsAsync(time.GetUtcNow() - options.Window, cancellationToken);
        ledger.Load(counts.Select(c => (c.AccountId, c.Tenant,
            new ComplaintStanding(c.AccountComplaints, c.AccountMessages), new ComplaintStanding(c.TenantComplaints, c.TenantMessages))));
    }
}
