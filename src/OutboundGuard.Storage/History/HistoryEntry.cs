namespace OutboundGuard.Storage.History;

/// <summary>One accepted message with the verdict that let it in (or held it).</summary>
public sealed class HistoryEntry
{
    public Guid Id { get; set; }
    public string? Account { get; set; }
    public string? Tenant { get; set; }
    public string EnvelopeFrom { get; set; } = "";
    public string[] Recipients { get; set; } = [];
    public string? Subject { get; set; }
    public string State { get; set; } = "";
    public string Route { get; set; } = "";
    public string? Fingerprint { get; set; }
    public string? Action { get; set; }
    public double? Score { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
