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
    /// <summary>
    /// The environment the host runs in: <c>serve --environment</c> (or the <c>OutboundGuard:Environment</c> key), else
    /// <c>ASPNETCORE_ENVIRONMENT</c>, else <c>DOTNET_ENVIRONMENT</c>, else <c>Production</c>. A server that nobody
    /// configured must not come up with development conveniences (a self-signed certificate, readable console logs).
    /// </summary>
    public static string EnvironmentName(IConfiguration configuration)
        => NonEmpty(configuration["OutboundGuard:Environment"])
            ?? NonEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"))
            ?? NonEmpty(Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"))
            ?? "Production";

    public static bool IsProduction(IConfiguration configuration)
        => string.Equals(EnvironmentName(configuration), "Production", StringComparison.OrdinalIgnoreCase);

    /// <summary>Development conveniences (the self-signed STARTTLS certificate, text logs) only when asked for.</summary>
    public static bool IsDevelopment(IConfiguration configuration)
        => string.Equals(EnvironmentName(configuration), "Development", StringComparison.OrdinalIgnoreCase);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

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
        if (!IsDevelopment(configuration))
        {
            logger.WriteTo.Console(new CompactJsonFormatter());
        }
        else
        {
            logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
