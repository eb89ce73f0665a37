namespace OutboundGuard.Smtp.Handoff;

/// <summary>A recipient as given in RCPT TO, with its DSN parameters (RFC 3461 §4.1, §4.2).</summary>
/// <param name="Address">The forward-path mailbox, e.g. bob@example.org.</param>
/// <param name="Notify">NOTIFY parameter as given (NEVER, or a list of SUCCESS, FAILURE, DELAY), or null.</param>
/// <param name="OriginalRecipient">ORCPT parameter as given, or null.</param>
public sealed record SmtpRecipient(string Address, string? Notify = null, string? OriginalRecipient = null);

/// <summary>The envelope of one mail transaction: MAIL FROM, its parameters and the accepted recipients.</summary>
public sealed class SmtpEnvelope
{
    /// <summary>The reverse-path mailbox; empty for the null sender &lt;&gt; (bounces).</summary>
    public required string ReversePath { get; init; }

    /// <summary>SIZE parameter (RFC 1870) declared by the client, or null.</summary>
    public long? DeclaredSize { get; init; }

    /// <summary>BODY parameter (RFC 6152 / RFC 3030): 7BIT, 8BITMIME or BINARYMIME, or null.</summary>
    public string? Body { get; init; }

    /// <summary>True when the client asked for SMTPUTF8 (RFC 6531).</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>DSN RET parameter (FULL or HDRS), or null.</summary>
    public string? DsnReturn { get; init; }

    /// <summary>DSN ENVID parameter, or null.</summary>
    public string? DsnEnvelopeId { get; init; }

    /// <summary>The recipients accepted so far, in order.</summary>
    public List<SmtpRecipient> Recipients { get; } = [];
}
