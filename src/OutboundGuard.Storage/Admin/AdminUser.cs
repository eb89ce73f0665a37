namespace OutboundGuard.Storage.Admin;

/// <summary>A person who signs in to the web UI.</summary>
public sealed class AdminUser
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string Role { get; set; } = AdminRoles.Viewer;
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
