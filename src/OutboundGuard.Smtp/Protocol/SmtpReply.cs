namespace OutboundGuard.Smtp.Protocol;

/// <summary>
/// One SMTP reply as a value: the basic code (RFC 5321 §4.2), the enhanced status code
/// (RFC 3463, sent on every reply because ENHANCEDSTATUSCODES is always offered) and the text.
/// </summary>
/// <param name="Code">Three-digit reply code, e.g. 250.</param>
/// <param name="Enhanced">Enhanced status code such as "2.0.0"; empty only for 220/221 greetings where RFC 2034 omits it.</param>
/// <param name="Text">Human-readable text; may contain several lines separated by '\n' for multi-line replies.</param>
public readonly record struct SmtpReply(int Code, string Enhanced, string Text)
{
    /// <summary>True for 2xx and 3xx replies.</summary>
    public bool IsPositive => Code is >= 200 and < 400;

    /// <summary>True for 4xx replies: the client should retry later.</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>True for 5xx replies: the client must not retry as is.</summary>
    public bool IsPermanent => Code >= 500;

    /// <summary>Returns the same reply with another text, keeping code and enhanced code.</summary>
    public SmtpReply WithText(string text) => this with { Text = text };

    public override string ToString() => Enhanced.Length == 0 ? $"{Code} {Text}" : $"{Code} {Enhanced} {Text}";
}
