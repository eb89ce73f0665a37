namespace OutboundGuard.Storage.Quarantine;

/// <summary>A message row as ops review it: envelope, subject, state, and the verdict that held it.</summary>
public sealed class HeldMessage
{
    public Guid Id { get; set; }
    public long? AccountId { get; set; }
    public string? Address { get; set; }

    /// <summary>The sending account's tenant, if the message has an account.</summary>
    public string? Tenant { get; set; }
    public string EnvelopeFrom { get; set; } = "";
    public string[] Recipients { get; set; } = [];
    public string? Subject { get; set; }
    public string? HeaderFrom { get; set; }
    public long SizeOctets { get; set; }
    public string SpoolPath { get; set; } = "";
    /// <summary>The state as stored in <c>messages.state</c>; <see cref="StateValue"/> is its meaning.</summary>
    public string State { get; set; } = "";

    /// <exception cref="FormatException">The stored state is no known <see cref="MessageState"/>.</exception>
    public MessageState StateValue => MessageStates.Parse(State);
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? SpoolRemovedAt { get; set; }

    /// <summary>The reason of the verdict stored with the message, if any.</summary>
    public string? VerdictReason { get; set; }
}
