namespace OutboundGuard.Storage.Complaints;

/// <summary>A feedback-loop report as the intake read it, before it is stored.</summary>
/// <param name="Door">"smtp" (the feedback-loop address) or "api".</param>
/// <param name="ReceivedFrom">The client IP (smtp) or the API actor (api).</param>
/// <param name="Source">The configured feedback-loop source whose key verified the report, or null.</param>
/// <param name="Verified">True when the report weighs in scoring (its DKIM signature verified with a configured source's key).</param>
/// <param name="Verification">Why it weighs or why not, in words.</param>
/// <param name="FeedbackType">The report's Feedback-Type (RFC 5965 §3.1), lower case.</param>
/// <param name="MessageId">The relay's queue id of the reported message, when found.</param>
/// <param name="OriginalMailFrom">The report's Original-Mail-From, if any.</param>
/// <param name="ArrivalDate">The report's Arrival-Date, if any and readable.</param>
/// <param name="ReportedSubject">The reported message's Subject, if the report carries it.</param>
/// <param name="SizeOctets">The size of the report.</param>
public sealed record NewComplaint(
    string Door,
    string ReceivedFrom,
    string? Source,
    bool Verified,
    string Verification,
    string FeedbackType,
    Guid? MessageId,
    string? OriginalMailFrom,
    DateTimeOffset? ArrivalDate,
    string? ReportedSubject,
    int SizeOctets);
