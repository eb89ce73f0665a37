namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>The smarthost refused a command of the session's set-up (greeting, EHLO, STARTTLS, AUTH) or NOOP.</summary>
internal sealed class SmarthostReplyException(string command, SmarthostReply reply)
    : Exception($"{command}: {reply.Text}")
{
    public SmarthostReply Reply { get; } = reply;
}
