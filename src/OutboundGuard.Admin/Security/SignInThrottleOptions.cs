namespace OutboundGuard.Admin.Security;

/// <summary>
/// How failed web UI sign-ins slow down the next try, section <c>OutboundGuard:Admin:SignIn</c>. Counted per user name
/// and client address, so nobody can slow a person down from another address.
/// </summary>
public sealed class SignInThrottleOptions
{
    /// <summary>Failures of one name from one address answered without delay (typos). Defaults to 3.</summary>
    public int FreeFailures { get; set; } = 3;

    /// <summary>The wait after the first failure past <see cref="FreeFailures"/>; doubled with each further one. Defaults to 2 s.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait. Defaults to 15 min.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A count with no failure for this long starts again from zero. Defaults to 1 h.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromHours(1);
}
