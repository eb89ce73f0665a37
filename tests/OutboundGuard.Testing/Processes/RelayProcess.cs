using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace OutboundGuard.Testing.Processes;

/// <summary>
/// A real <c>outboundguard</c> process (the built host), started the way scripts and CI start it, with its
/// output captured. Used for end-to-end tests of serve and of the CLI verbs.
/// </summary>
public sealed class RelayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private RelayProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _output);

    /// <summary>
    /// The error and fatal log lines so far, each with the lines printed right after it (an exception's message),
    /// at most <paramref name="max"/> lines: what a failed request's 500 says on the server side.
    /// </summary>
    public string Errors(int max = 40)
    {
        var lines = _output.ToArray();
        var kept = new List<string>();
        for (var i = 0; i < lines.Length && kept.Count < max; i++)
        {
            if (!lines[i].Contains(" ERR]", StringComparison.Ordinal) && !lines[i].Contains(" FTL]", StringComparison.Ordinal))
            {
                continue;
            }

            kept.Add(lines[i]);
            for (var j = i + 1; j < lines.Length && j <= i + 6 && !lines[j].StartsWith('[') && kept.Count < max; j++)
            {
                kept.Add(lines[j]);
            }
        }

        return kept.Count == 0 ? "(no error lines)" : string.Join('\n', kept);
    }

    /// <summary>The host's entry assembly, copied beside the test assembly by the project reference.</summary>
    public static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "outboundguard.dll");

    public static RelayProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var info = CreateStartInfo(arguments, environment);
        WithDefaultInterrupt(info);
        info.RedirectStandardInput = true;
        return new RelayProcess(Process.Start(info)!);
    }

    /// <summary>Runs a CLI verb to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(IEnumerable<string> arguments, string? standardInput = null, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = CreateStartInfo(arguments, environment);
        info.RedirectStandardInput = true;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Waits until a line of output contains <paramref name="text"/>; fails with the output so far.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_output.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"outboundguard exited with {_process.ExitCode} before printing '{text}':\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"outboundguard did not print '{text}' within {timeout}:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sends SIGINT (as Ctrl-C does) and waits for the process to exit.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-INT {_process.Id}") { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"outboundguard did not exit within {timeout} of SIGINT:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// Starts the host with SIGINT at its default disposition, as a terminal's Ctrl-C finds it. A process started
    /// in the background by a shell without job control inherits SIGINT ignored (POSIX), and so would every test
    /// process under it; the host rightly keeps an inherited "ignore" (as nohup expects), so without this a test
    /// run launched that way could not interrupt it. <c>env --default-signal</c> (coreutils 8.31+) resets it and
    /// execs the host, keeping the process id.
    /// </summary>
    private static void WithDefaultInterrupt(ProcessStartInfo info)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/env"))
        {
            return;
        }

        var command = info.FileName;
        info.FileName = "/usr/bin/env";
        info.ArgumentList.Insert(0, command);
        info.ArgumentList.Insert(0, "--default-signal=INT");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await InterruptAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static ProcessStartInfo CreateStartInfo(IEnumerable<string> arguments, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(HostAssembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }
}
