using System.CommandLine;

namespace OutboundGuard.Cli;

/// <summary>Options every verb that touches state understands.</summary>
internal static class CommonOptions
{
    public static readonly Option<string?> Data = new("--data")
    {
        Description = "Folder for the private PostgreSQL cluster, the spool, the sink and keys (default: ./data, or OutboundGuard:Storage:DataDirectory)",
        Recursive = true,
    };

    public static readonly Option<string?> ConnectionString = new("--connection-string")
    {
        Description = "Use this external PostgreSQL instead of the private cluster",
        Recursive = true,
    };

    public static readonly Option<string?> Config = new("--config")
    {
        Description = "An extra JSON configuration file, applied after appsettings.json",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON instead of text",
    };
}
