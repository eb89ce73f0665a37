using Microsoft.AspNetCore.Builder;

namespace OutboundGuard.Admin.Tests.Support;

/// <summary>A second admin node over the same database as <see cref="AdminHost"/>, as a second relay node would run it.</summary>
public static class AdminHostOnSameDatabase
{
    public static Task<WebApplication> StartAsync(AdminHost first, IDictionary<string, string?> settings)
        => AdminHost.BuildAndStartAsync(first.DataSource, settings);
}
