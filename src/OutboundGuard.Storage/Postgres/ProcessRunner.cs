using System.Diagnostics;
using System.Text;

namespace OutboundGuard.Storage.Postgres;

/// <summary>Runs a PostgreSQL tool, as the 'postgres' system user when this process is root (PostgreSQL refuses to run as root).</summary>
internal static class ProcessRunner
{
    public static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";

    public const string ServiceUser = "postgres";

    public static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (IsRoot)
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(ServiceUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(fileName);
        }
        else
        {
            info.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LC_ALL"] = "C.UTF-8";
        return info;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(CreateStartInfo(fileName, arguments))
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        output.Append(await stdout.ConfigureAwait(false)).Append(await stderr.ConfigureAwait(false));
        return (process.ExitCode, output.ToString());
    }

    /// <summary>Gives the service user the folder (when root), so the cluster can live in a folder root created.</summary>
    public static async Task GrantFolderAsync(string directory, CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return;
        }

        var chown = new ProcessStartInfo("chown") { UseShellExecute = false, RedirectStandardError = true };
        chown.ArgumentList.Add("-R");
        chown.ArgumentList.Add($"{ServiceUser}:{ServiceUser}");
        chown.ArgumentList.Add(directory);
        using var process = Process.Start(chown)!;
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Could not give {directory} to the '{ServiceUser}' user: {await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }
}
