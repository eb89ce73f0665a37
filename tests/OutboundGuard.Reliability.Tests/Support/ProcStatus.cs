using System.Globalization;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>Reads a process's memory figures from /proc/PID/status and its CPU time from /proc/PID/stat.</summary>
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

    /// <summary>CPU time the process has used so far (user and system, from /proc/PID/stat, 10 ms resolution); zero when it is gone.</summary>
    public static TimeSpan ReadCpuTime(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }

        // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15, in 1/100 s.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
