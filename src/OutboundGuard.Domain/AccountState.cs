namespace OutboundGuard.Domain;

/// <summary>The enforcement state of a sending account.</summary>
public enum AccountState
{
    /// <summary>Sending normally.</summary>
    Active = 0,

    /// <summary>Deferred with 4xx until the cool-down ends (the account's throttled-until time).</summary>
    Throttled = 1,

    /// <summary>Refused with 5xx until ops reinstate it.</summary>
    Suspended = 2,
}
