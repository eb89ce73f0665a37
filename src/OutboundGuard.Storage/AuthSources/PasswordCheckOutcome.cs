namespace OutboundGuard.Storage.AuthSources;

/// <summary>The outcome of one password check.</summary>
public enum PasswordCheckOutcome
{
    /// <summary>The source accepted the password.</summary>
    Accepted,

    /// <summary>Wrong password or unknown user: the client gets the same 535 for both.</summary>
    Rejected,

    /// <summary>The source could not be asked (down, timed out, refused the protocol): 454 4.7.0, nothing accepted.</summary>
    Unavailable,
}
