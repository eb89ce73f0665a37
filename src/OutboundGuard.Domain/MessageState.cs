namespace OutboundGuard.Domain;

/// <summary>
/// Where an accepted message is in its life: waiting, being delivered, finished, or held for review. Stored as text
/// in <c>messages.state</c>; <c>OutboundGuard.Storage.MessageStates</c> is the one mapping to and from it.
/// </summary>
public enum MessageState
{
    /// <summary>Accepted and waiting for its first delivery attempt (or released from quarantine and due now).</summary>
    Queued = 0,

    /// <summary>Claimed by a node's delivery queue under a lease; an expired lease makes it due again.</summary>
    Delivering = 1,

    /// <summary>Some recipients got a temporary failure; retried after a backoff.</summary>
    Deferred = 2,

    /// <summary>Final: every recipient accepted by the next hop.</summary>
    Delivered = 3,

    /// <summary>Final: some recipients refused for good and a DSN queued to the sender.</summary>
    Bounced = 4,

    /// <summary>Final: some recipients refused for good and no DSN possible (null reverse path, e.g. a DSN itself).</summary>
    Failed = 5,

    /// <summary>Held for ops review (by a verdict or because its account was suspended); never delivered as it is.</summary>
    Quarantined = 6,

    /// <summary>Released by ops from quarantine (a release today moves the message back to <see cref="Queued"/>).</summary>
    Released = 7,

    /// <summary>Final: deleted by ops from quarantine.</summary>
    Deleted = 8,

    /// <summary>Accepted from a young account and held before delivery until its rescan (hold and rescan); then queued or quarantined.</summary>
    Held = 9,
}
