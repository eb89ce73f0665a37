namespace OutboundGuard.Relay.Authentication;

/// <summary>The tenant's directory could not be asked (down, timed out, broken reply): the client is told to try again later.</summary>
public sealed class DirectoryUnavailableException(string tenant, string problem)
    : Exception($"The authentication source of tenant {tenant} is unavailable: {problem}")
{
    public string Tenant { get; } = tenant;

    public string Problem { get; } = problem;
}
