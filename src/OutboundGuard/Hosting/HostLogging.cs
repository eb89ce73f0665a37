using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace OutboundGuard.Hosting;

/// <summary>
/// Serilog for the server: readable console text in development, compact JSON (one event per line, for
/// log shippers) in production. Levels and sinks can be overridden under "Serilog" in configuration.
/// </summary>
internal static class HostLogging
{
    public static bool IsProduction(IConfiguration configuration)
        => string.Equals(configuration["OutboundGuard:Environment"] ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"), "Production", StringComparison.OrdinalIgnoreCase);

    public static void Configure(LoggerConfiguration logger, IConfiguration configuration)
    {
        logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // Kestrel's "Now listening on: http://..." would name the SMTP ports as HTTP; the start-up banner says where each listener is.
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            .MinimumLevel.Override("Npgsql", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext();
        if (IsProduction(configuration))
        {
            logger.WriteTo.Console(new CompactJsonFormatter());
        }
        else
        {
            logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
