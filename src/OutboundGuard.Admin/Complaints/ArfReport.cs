namespace OutboundGuard.Admin.Complaints;

/// <summary>What an ARF report (RFC 5965) says, as the intake read it.</summary>
/// <param name="FeedbackType">Feedback-Type, lower case: abuse, fraud, virus, other, not-spam (§7.3).</param>
/// <param name="OriginalMailFrom">Original-Mail-From, if given.</param>
/// <param name="ArrivalDate">Arrival-Date in UTC, if given and readable.</param>
/// <param name="QueueId">The relay's queue id of the reported message, from the relay's trace header in it, if present.</param>
/// <param name="ReportedSubject">The reported message's Subject, if the report carries its headers.</param>
public sealed record ArfReport(string FeedbackType, string? OriginalMailFrom, DateTimeOffset? ArrivalDate, Guid? QueueId, string? ReportedSubject);
