using System.Globalization;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>Reads a process's memory figures from /proc/PID/status.</summary>
public static class ProcStatus
{
    /// <summary>The value of a "Name:   1234 kB" line, in KiB; 0 when the process is gone.</summary>
    public static long ReadKiB(int processId, string field)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{processId}/status");
        }
        catch (IOException)
        {
            return 0;
        }

        var line = lines.FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
