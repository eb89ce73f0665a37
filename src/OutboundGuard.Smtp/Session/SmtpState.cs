namespace OutboundGuard.Smtp.Session;

/// <summary>Where a session is in the mail transaction (RFC 5321 §3.3). TLS and identity are guards, not states.</summary>
internal enum SmtpState
{
    /// <summary>Greeting sent, no EHLO/HELO yet (or reset by STARTTLS).</summary>
    Connected,

    /// <summary>EHLO/HELO accepted; no transaction.</summary>
    Greeted,

    /// <summary>MAIL accepted; no recipient yet.</summary>
    InTransaction,

    /// <summary>At least one RCPT accepted.</summary>
    HasRecipients,

    /// <summary>BDAT chunks received, the LAST one not yet (RFC 3030).</summary>
    ReceivingBdat,
}
