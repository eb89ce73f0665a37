using System.CommandLine;
using OutboundGuard.Cli;

namespace OutboundGuard;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("OutboundGuard: an outbound relay that contains compromised and abusive sending accounts before they damage a domain's reputation")
        {
            CommonOptions.Data,
            CommonOptions.ConnectionString,
            CommonOptions.Config,
        };
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(AccountsCommand.Create());
        root.Subcommands.Add(TenantsCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(CaptureCommand.Create());
        root.Subcommands.Add(BurstsCommand.Create());
        root.Subcommands.Add(UsersCommand.Create());
        root.Subcommands.Add(ApiKeysCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
