namespace OutboundGuard.Admin.Review;

/// <summary>What ops concluded about a suspended (or throttled) account.</summary>
public enum ReviewDecision
{
    /// <summary>The credentials were stolen: reinstate with a required password reset, delete (or release) the held mail, block its fingerprints, learn it as spam.</summary>
    Hijacked,

    /// <summary>The owner sends abuse: keep suspended, delete the held mail, block its fingerprints, learn it as spam.</summary>
    Abusive,

    /// <summary>Legitimate mail: reinstate, release the held mail, lift its fingerprints' blocks, learn it as ham.</summary>
    FalseAlarm,
}
