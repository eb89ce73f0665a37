namespace OutboundGuard.Hosting;

/// <summary>The HTTP listener for health, metrics and the admin API and UI. Section "OutboundGuard:Http".</summary>
public sealed class HttpOptions
{
    public const string Section = "OutboundGuard:Http";

    /// <summary>ADDRESS:PORT to listen on. Default 127.0.0.1:8025; empty disables HTTP.</summary>
    public string? Endpoint { get; set; } = "127.0.0.1:8025";
}
