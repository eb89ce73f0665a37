using System.CommandLine;
using OutboundGuard.Hosting;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard serve [--smtp ADDR:PORT] [--http ADDR:PORT] [--smarthost HOST:PORT] [--environment Production|Development] [--data DIR] [--connection-string CS]</c>:
/// runs the relay until Ctrl-C or SIGTERM.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var smtp = new Option<string?>("--smtp") { Description = "SMTP listener (STARTTLS offered), e.g. 127.0.0.1:2525 (default from OutboundGuard:Smtp:Listeners)" };
        var http = new Option<string?>("--http") { Description = "HTTP listener for health, metrics and the admin API/UI, e.g. 127.0.0.1:8025" };
        var smarthost = new Option<string?>("--smarthost") { Description = "Relay accepted mail to this SMTP server (HOST:PORT); absent: the built-in sink in DATA/sink" };
        var environment = new Option<string?>("--environment")
        {
            Description = "Production (the default: JSON logs, no self-signed certificate) or Development (text logs, a development STARTTLS certificate); wins over ASPNETCORE_ENVIRONMENT and DOTNET_ENVIRONMENT",
        };
        var command = new Command("serve", "Run the relay: SMTP in, scoring, delivery to the smarthost or the built-in sink") { smtp, http, smarthost, environment };
        command.SetAction((parse, ct) => ServeHost.RunAsync(parse, new ServeArguments(parse.GetValue(smtp), parse.GetValue(http), parse.GetValue(smarthost), parse.GetValue(environment)), ct));
        return command;
    }
}
