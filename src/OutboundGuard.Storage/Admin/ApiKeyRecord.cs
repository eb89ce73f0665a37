namespace OutboundGuard.Storage.Admin;

/// <summary>An API key as stored: its name, role and the first characters of the key (to recognise it), never the key.</summary>
public sealed class ApiKeyRecord
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string KeyPrefix { get; set; } = "";
    public string Role { get; set; } = AdminRoles.Viewer;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When the key stops working; null never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>"live", "revoked" or "expired" at <paramref name="now"/>.</summary>
    public string StatusAt(DateTimeOffset now) => RevokedAt is not null ? "revoked" : ExpiresAt <= now ? "expired" : "live";
}
