namespace OutboundGuard.Scoring.Accounts;

/// <summary>
/// The account's recent activity at the moment a message is scored, the message itself included.
/// Built from the in-memory sliding windows (recovered from PostgreSQL after a restart).
/// </summary>
public sealed record AccountHistory
{
    /// <summary>The time the message is scored at.</summary>
    public required DateTimeOffset Now { get; init; }

    public int MessagesLastMinute { get; init; }
    public int MessagesLast10Minutes { get; init; }
    public int MessagesLastHour { get; init; }
    public int MessagesLastDay { get; init; }

    public int RecipientsLastMinute { get; init; }
    public int RecipientsLast10Minutes { get; init; }
    public int RecipientsLastHour { get; init; }
    public int RecipientsLastDay { get; init; }
}
