namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>
/// The smarthost's replies to one mail transaction: MAIL FROM's, each RCPT TO's in the order of the recipients
/// given (none when MAIL FROM was refused without pipelining), DATA's (none when no recipient was accepted or
/// MAIL FROM was refused without pipelining) and the final reply after the content (none when DATA was refused).
/// </summary>
internal sealed record TransactionReplies(
    SmarthostReply Mail,
    IReadOnlyList<SmarthostReply> Recipients,
    SmarthostReply? Data,
    SmarthostReply? Final);
