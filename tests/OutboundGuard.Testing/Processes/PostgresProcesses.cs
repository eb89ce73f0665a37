using System.Diagnostics;

namespace OutboundGuard.Testing.Processes;

/// <summary>Finds postgres server processes by their data folder, to prove none is left behind.</summary>
public static class PostgresProcesses
{
    public static IReadOnlyList<int> RunningIn(string directory)
    {
        var full = Path.GetFullPath(directory);
        var found = new List<int>();
        foreach (var process in Process.GetProcessesByName("postgres"))
        {
            try
            {
                var cmdline = File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
                if (cmdline.Contains(full, StringComparison.Ordinal))
                {
                    found.Add(process.Id);
                }
            }
            catch (IOException)
            {
            }
            finally
            {
                process.Dispose();
            }
        }

        return found;
    }
}
