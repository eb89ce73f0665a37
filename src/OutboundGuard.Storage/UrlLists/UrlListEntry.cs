namespace OutboundGuard.Storage.UrlLists;

/// <summary>A domain on the URL block list or allow list.</summary>
public sealed class UrlListEntry
{
    public string List { get; set; } = "block";
    public string Domain { get; set; } = "";
    public string? Reason { get; set; }
    public string Actor { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
