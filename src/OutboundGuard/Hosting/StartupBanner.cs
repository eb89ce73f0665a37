using Microsoft.Extensions.Configuration;
using OutboundGuard.Smtp.Hosting;

namespace OutboundGuard.Hosting;

/// <summary>What a person starting the relay needs to see: where it listens, where mail goes, how to send a first message.</summary>
internal static class StartupBanner
{
    /// <summary>How to run this executable again from a shell: the apphost, or dotnet with the entry assembly.</summary>
    private static string SelfCommand
    {
        get
        {
            var process = Environment.ProcessPath ?? "outboundguard";
            return Path.GetFileNameWithoutExtension(process) == "dotnet"
                ? $"dotnet {Path.GetRelativePath(Environment.CurrentDirectory, typeof(StartupBanner).Assembly.Location)}"
                : Path.GetRelativePath(Environment.CurrentDirectory, process);
        }
    }

    public static void Print(IConfiguration configuration, StorageOptions storage, DemoAccount.Credentials? demo)
    {
        var smtp = configuration.GetSection(SmtpOptions.SectionName).Get<SmtpOptions>() ?? new SmtpOptions();
        var endpoint = smtp.Listeners.Count > 0 ? smtp.Listeners[0].Endpoint : new SmtpListenerOptions().Endpoint;
        var http = configuration.GetSection(HttpOptions.Section).Get<HttpOptions>()?.Endpoint ?? new HttpOptions().Endpoint;
        var smarthost = configuration["OutboundGuard:Delivery:Smarthost:Host"];
        var (host, port) = ServeArguments.SplitEndpoint(endpoint, "OutboundGuard:Smtp:Listeners:0:Endpoint");
        var lines = new List<string>
        {
            "",
            "OutboundGuard is running.",
            $"  SMTP      {endpoint} (STARTTLS, AUTH PLAIN/LOGIN)",
            $"  HTTP      http://{http}/health",
            $"  Delivery  {(string.IsNullOrEmpty(smarthost) ? $"built-in sink: {Path.GetFullPath(Path.Combine(storage.DataDirectory, "sink"))}" : $"smarthost {smarthost}:{configuration["OutboundGuard:Delivery:Smarthost:Port"]}")}",
        };
        if (demo is not null)
        {
            lines.Add($"  Demo      {demo.Address} / {demo.Password}");
            lines.Add("");
            lines.Add("Send a first message:");
            lines.Add($"  swaks --server {host} --port {port} --tls --auth-user {demo.Address} --auth-password '{demo.Password}' \\");
            lines.Add($"        --from {demo.Address} --to someone@example.org");
            lines.Add($"Then: {SelfCommand} accounts show {demo.Address} --data {storage.DataDirectory}");
        }

        lines.Add("Stop with Ctrl-C.");
        lines.Add("");
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
        Console.Out.Flush();
    }
}
