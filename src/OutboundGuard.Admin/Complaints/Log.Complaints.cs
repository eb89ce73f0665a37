using Microsoft.Extensions.Logging;

namespace OutboundGuard.Admin;

/// <summary>Feedback-loop events, ids 5100–5109.</summary>
internal static partial class Log
{
    [LoggerMessage(5100, LogLevel.Information, "Complaint {ComplaintId} received over {Door}: {FeedbackType} about {AccountAddress}, weighs {Verified}")]
    public static partial void ComplaintReceived(ILogger logger, long complaintId, string door, string feedbackType, string accountAddress, bool verified);
}
