namespace OutboundGuard.Smtp.Protocol;

/// <summary>The verbs the server knows; the state table is indexed by them.</summary>
internal enum SmtpVerb
{
    Ehlo,
    Helo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Help,
    StartTls,
    Auth,
}

/// <summary>One parsed command line. Every command is an immutable record.</summary>
internal abstract record SmtpCommand(SmtpVerb Verb);

/// <summary>EHLO domain-or-address-literal (RFC 5321 §4.1.1.1).</summary>
internal sealed record EhloCommand(string Domain) : SmtpCommand(SmtpVerb.Ehlo);

/// <summary>HELO domain (RFC 5321 §4.1.1.1).</summary>
internal sealed record HeloCommand(string Domain) : SmtpCommand(SmtpVerb.Helo);

/// <summary>MAIL FROM:&lt;reverse-path&gt; [parameters] (RFC 5321 §4.1.1.2).</summary>
internal sealed record MailFromCommand(string ReversePath, MailParameters Parameters) : SmtpCommand(SmtpVerb.Mail);

/// <summary>RCPT TO:&lt;forward-path&gt; [parameters] (RFC 5321 §4.1.1.3).</summary>
internal sealed record RcptToCommand(string ForwardPath, RcptParameters Parameters) : SmtpCommand(SmtpVerb.Rcpt);

/// <summary>DATA (RFC 5321 §4.1.1.4).</summary>
internal sealed record DataCommand() : SmtpCommand(SmtpVerb.Data);

/// <summary>BDAT chunk-size [LAST] (RFC 3030 §2).</summary>
internal sealed record BdatCommand(long ChunkSize, bool Last) : SmtpCommand(SmtpVerb.Bdat);

/// <summary>RSET (RFC 5321 §4.1.1.5).</summary>
internal sealed record RsetCommand() : SmtpCommand(SmtpVerb.Rset);

/// <summary>NOOP [string] (RFC 5321 §4.1.1.9).</summary>
internal sealed record NoopCommand() : SmtpCommand(SmtpVerb.Noop);

/// <summary>QUIT (RFC 5321 §4.1.1.10).</summary>
internal sealed record QuitCommand() : SmtpCommand(SmtpVerb.Quit);

/// <summary>VRFY string (RFC 5321 §4.1.1.6).</summary>
internal sealed record VrfyCommand(string Argument) : SmtpCommand(SmtpVerb.Vrfy);

/// <summary>HELP [string] (RFC 5321 §4.1.1.8).</summary>
internal sealed record HelpCommand(string? Topic) : SmtpCommand(SmtpVerb.Help);

/// <summary>STARTTLS (RFC 3207 §4).</summary>
internal sealed record StartTlsCommand() : SmtpCommand(SmtpVerb.StartTls);

/// <summary>AUTH mechanism [initial-response] (RFC 4954 §4). The initial response is base64 as sent, "=" for empty.</summary>
internal sealed record AuthCommand(string Mechanism, string? InitialResponse) : SmtpCommand(SmtpVerb.Auth);

/// <summary>MAIL FROM parameters (RFC 1870 SIZE, RFC 6152/3030 BODY, RFC 6531 SMTPUTF8, RFC 3461 RET/ENVID, RFC 4954 AUTH).</summary>
internal sealed record MailParameters(long? Size, string? Body, bool SmtpUtf8, string? Ret, string? EnvelopeId, string? Auth)
{
    public static readonly MailParameters None = new(null, null, false, null, null, null);
}

/// <summary>RCPT TO parameters (RFC 3461 §4.1 NOTIFY, §4.2 ORCPT).</summary>
internal sealed record RcptParameters(string? Notify, string? OriginalRecipient)
{
    public static readonly RcptParameters None = new(null, null);
}
