namespace OutboundGuard.Storage.Accounts.Learning;

/// <summary>One message an authenticated user submitted, as an existing MTA's log tells it.</summary>
/// <param name="At">When the MTA queued it (UTC).</param>
/// <param name="User">The authenticated user name (Postfix sasl_username, Exim A=…:user), lower-cased.</param>
/// <param name="Recipients">Its recipient count (Postfix nrcpt, Exim recipients).</param>
public sealed record MailLogEntry(DateTimeOffset At, string User, int Recipients);
