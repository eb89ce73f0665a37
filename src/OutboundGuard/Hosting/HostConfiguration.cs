using System.CommandLine;
using Microsoft.Extensions.Configuration;
using OutboundGuard.Cli;

namespace OutboundGuard.Hosting;

/// <summary>
/// Configuration in order of precedence, lowest first: appsettings.json beside the executable, appsettings.json
/// in the working folder, the --config file, environment variables (OUTBOUNDGUARD__SECTION__KEY), then the
/// command-line options.
/// </summary>
internal static class HostConfiguration
{
    public static IConfigurationRoot Build(ParseResult parse, IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        var extra = parse.GetValue(CommonOptions.Config);
        if (extra is not null)
        {
            if (!File.Exists(extra))
            {
                throw new FileNotFoundException($"The configuration file {Path.GetFullPath(extra)} does not exist.", extra);
            }

            builder.AddJsonFile(Path.GetFullPath(extra), optional: false);
        }

        builder.AddEnvironmentVariables();
        var fromCommandLine = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(CommonOptions.Data) is { } data)
        {
            fromCommandLine[$"{StorageOptions.Section}:DataDirectory"] = data;
        }

        if (parse.GetValue(CommonOptions.ConnectionString) is { } connectionString)
        {
            fromCommandLine[$"{StorageOptions.Section}:ConnectionString"] = connectionString;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            fromCommandLine[key] = value;
        }

        builder.AddInMemoryCollection(fromCommandLine);
        return builder.Build();
    }

    public static StorageOptions Storage(IConfiguration configuration)
    {
        var options = new StorageOptions();
        configuration.GetSection(StorageOptions.Section).Bind(options);
        return options;
    }
}
