namespace OutboundGuard.Storage;

/// <summary>
/// The one mapping between <see cref="MessageState"/> and the text stored in <c>messages.state</c> (the column's
/// CHECK constraint, last set in Migrations/0013_held_messages.sql, lists the same names). SQL statements name states as literals
/// (<c>WHERE state IN ('queued', 'deferred')</c>) so PostgreSQL can use the partial indexes defined on them.
/// </summary>
public static class MessageStates
{
    /// <summary>Every state, in the enum's order.</summary>
    public static IReadOnlyList<MessageState> All { get; } = Enum.GetValues<MessageState>();

    /// <summary>The states a delivery attempt ends in for good; a message in one is never attempted again.</summary>
    public static IReadOnlyList<MessageState> Final { get; } = [MessageState.Delivered, MessageState.Bounced, MessageState.Failed];

    /// <summary>The states of mail still to deliver (the queue's backlog).</summary>
    public static IReadOnlyList<MessageState> Pending { get; } = [MessageState.Queued, MessageState.Deferred, MessageState.Delivering];

    /// <summary>The stored name, e.g. "quarantined".</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not a defined state.</exception>
    public static string ToText(MessageState state) => state switch
    {
        MessageState.Queued => "queued",
        MessageState.Delivering => "delivering",
        MessageState.Deferred => "deferred",
        MessageState.Delivered => "delivered",
        MessageState.Bounced => "bounced",
        MessageState.Failed => "failed",
        MessageState.Quarantined => "quarantined",
        MessageState.Released => "released",
        MessageState.Deleted => "deleted",
        MessageState.Held => "held",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown message state."),
    };

    /// <summary>The state a stored name stands for; the names are lower case and matched exactly.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is no known state's name.</exception>
    public static MessageState Parse(string text)
        => TryParse(text, out var state)
            ? state
            : throw new FormatException($"Unknown message state '{text}' in messages.state; expected one of {string.Join(", ", All.Select(ToText))}.");

    /// <summary>Parses a stored name; false for anything else (including other casing).</summary>
    public static bool TryParse(string? text, out MessageState state)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(ToText(candidate), text, StringComparison.Ordinal))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}
