using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;

namespace OutboundGuard.Admin.Complaints;

/// <summary>
/// Reads an ARF report (RFC 5965 §2): a multipart/report with report-type=feedback-report whose second part is the
/// machine-readable message/feedback-report and whose third part is the reported message (message/rfc822) or its
/// headers (text/rfc822-headers). The reported message is traced back to the relay by the trace header the relay
/// adds to every message it accepts ("by … (OutboundGuard) with ESMTPSA id &lt;queue id&gt;").
/// </summary>
public static partial class ArfReportReader
{
    /// <summary>Limits for parsing a report: reports are small; nothing nests deeper than a forwarded message's parts.</summary>
    public static ParserOptions ParserOptions { get; } = new() { MaxMimeDepth = 16 };

    /// <summary>Reads the report, or says in words why the message is not one.</summary>
    public static bool TryRead(MimeMessage message, out ArfReport report, out string problem)
    {
        report = null!;
        if (message.Body is not MultipartReport multipart || !"feedback-report".Equals(multipart.ReportType, StringComparison.OrdinalIgnoreCase))
        {
            problem = "not a feedback report: RFC 5965 needs multipart/report; report-type=feedback-report";
            return false;
        }

        var fields = multipart.OfType<MessageFeedbackReport>().FirstOrDefault()?.Fields;
        if (fields is null)
        {
            problem = "the report has no message/feedback-report part (RFC 5965 §3)";
            return false;
        }

        var feedbackType = fields["Feedback-Type"]?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(feedbackType) || feedbackType.Length > 32)
        {
            problem = "the feedback report has no Feedback-Type field (RFC 5965 §3.1)";
            return false;
        }

        var reported = multipart.OfType<MessagePart>().FirstOrDefault()?.Message;
        DateTimeOffset? arrival = DateUtils.TryParse(fields["Arrival-Date"] ?? fields["Received-Date"] ?? "", out var date) ? date.ToUniversalTime() : null;
        report = new ArfReport(feedbackType, Clip(fields["Original-Mail-From"]?.Trim()), arrival, reported is null ? null : QueueIdOf(reported.Headers), Clip(reported?.Subject));
        problem = "";
        return true;
    }

    /// <summary>The queue id in the relay's topmost trace header (the last time the message left this relay).</summary>
    public static Guid? QueueIdOf(HeaderList headers)
    {
        foreach (var header in headers)
        {
            if (header.Id == HeaderId.Received && TraceId().Match(header.Value) is { Success: true } match
                && Guid.TryParseExact(match.Groups[1].Value, "N", out var id))
            {
                return id;
            }
        }

        return null;
    }

    private static string? Clip(string? text) => text is null ? null : text.Length <= 300 ? text : text[..300];

    [GeneratedRegex(@"\(OutboundGuard\)\s+with\s+\w+\s+id\s+([0-9a-fA-F]{32})\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex TraceId();
}
