namespace OutboundGuard.Storage.Tenants;

/// <summary>A customer domain whose mail the relay carries.</summary>
public sealed class Tenant
{
    public long Id { get; set; }
    public string Domain { get; set; } = "";
    public string? AdminEmail { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
