namespace OutboundGuard.Storage.Admin;

/// <summary>Failed web UI sign-ins of one user name from one client address, and until when the next try waits.</summary>
public sealed class SignInFailure
{
    public string UserName { get; set; } = "";
    public string ClientAddress { get; set; } = "";
    public int Failures { get; set; }
    public DateTimeOffset LastFailureAt { get; set; }
    public DateTimeOffset BlockedUntil { get; set; }
}
