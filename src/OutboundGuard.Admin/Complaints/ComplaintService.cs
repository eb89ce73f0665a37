using Microsoft.Extensions.Logging;
using MimeKit;
using OutboundGuard.Storage.Complaints;

namespace OutboundGuard.Admin.Complaints;

/// <summary>
/// The intake of feedback-loop reports, behind both doors (the SMTP address and <c>POST /api/complaints</c>): reads
/// the ARF report, checks its DKIM signature against the configured sources, finds the sending account from the
/// relay's trace header (or a queue id given with it), stores it with its audit entry and, when it weighs, announces it
/// (in the same transaction) so every node's scoring reloads its complaint counts and the account's next message is
/// scored with it.
/// </summary>
public sealed class ComplaintService(
    ComplaintRepository complaints,
    ReportVerifier verifier,
    FeedbackLoopOptions options,
    ILogger<ComplaintService> logger)
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
        return (stored, null);
    }
}
