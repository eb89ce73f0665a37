namespace OutboundGuard.Replay.Reporting;

/// <summary>When an account was first contained: after how many of its messages, and how many captured seconds after its first.</summary>
/// <param name="AfterMessages">Messages of the account sent before the one that got this reply.</param>
/// <param name="AfterSeconds">Captured seconds from the account's first message to this one.</param>
/// <param name="Reply">The reply, e.g. "451 4.7.1 Account … is throttled …".</param>
public sealed record Milestone(int AfterMessages, double AfterSeconds, string Reply);
