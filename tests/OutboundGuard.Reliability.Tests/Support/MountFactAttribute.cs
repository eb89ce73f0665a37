using System.Diagnostics;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>
/// A test that needs to mount a small tmpfs (root in a sandbox that allows mount): skipped, with the reason,
/// where mounting is impossible.
/// </summary>
public sealed class MountFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Why = new(Probe);

    public MountFactAttribute()
    {
        if (Why.Value is { } reason)
        {
            Skip = reason;
        }
    }

    public static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {error}");
        }
    }

    private static string? Probe()
    {
        if (Environment.UserName != "root")
        {
            return "Mounting a tmpfs needs root.";
        }

        var directory = Path.Combine(Path.GetTempPath(), "og-mount-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            RunAsync("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", directory).GetAwaiter().GetResult();
            RunAsync("umount", directory).GetAwaiter().GetResult();
            return null;
        }
        catch (InvalidOperationException e)
        {
            return "This sandbox cannot mount a tmpfs: " + e.Message;
        }
        finally
        {
            Directory.Delete(directory);
        }
    }
}
