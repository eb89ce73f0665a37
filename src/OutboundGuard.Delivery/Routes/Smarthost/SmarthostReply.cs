namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>
/// One reply of the smarthost (RFC 5321 §4.2): its code and its text, the lines of a multi-line reply joined
/// with a line feed, without the codes.
/// </summary>
internal readonly record struct SmarthostReply(int Code, string Text)
{
    /// <summary>2xx: the command succeeded.</summary>
    public bool IsPositive => Code is >= 200 and < 300;

    /// <summary>354 after DATA: send the content.</summary>
    public bool IsStartMailInput => Code == 354;

    /// <summary>5xx: refused for good.</summary>
    public bool IsPermanent => Code >= 500;

    /// <summary>421: the server is closing the connection (RFC 5321 §3.8).</summary>
    public bool IsClosing => Code == 421;

    public override string ToString() => $"{Code} {Text}";
}
