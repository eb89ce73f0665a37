namespace OutboundGuard.Storage.Capture;

/// <summary>An accepted message of an account (any state, quarantined ones too) as the spool holds it.</summary>
public sealed class CapturedMessage
{
    public Guid Id { get; set; }
    public string ClientIp { get; set; } = "";
    public string EnvelopeFrom { get; set; } = "";
    public string[] Recipients { get; set; } = [];
    public string SpoolPath { get; set; } = "";
    public string State { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The action of its verdict (Relay, Quarantine, …), or null when none was stored.</summary>
    public string? Action { get; set; }
}
