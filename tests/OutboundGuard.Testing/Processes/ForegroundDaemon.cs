using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OutboundGuard.Testing.Processes;

/// <summary>
/// A server a test runs in the foreground from the machine's binaries (dovecot -F, slapd -d): started with its own
/// config, stopped with SIGTERM (its children follow it), killed when it does not stop within 10 s; its folder
/// (config, sockets, data) is removed when it is disposed.
/// </summary>
public sealed class ForegroundDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private ForegroundDaemon(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    /// <summary>What the daemon wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <exception cref="InvalidOperationException">The binary is missing: scripts/install-deps.sh installs it.</exception>
    public static ForegroundDaemon Start(string directory, string binary, params string[] arguments)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is missing: run scripts/install-deps.sh");
        }

        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var daemon = new ForegroundDaemon(Process.Start(info)!, directory);
        daemon._process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        daemon._process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Stops the daemon (SIGTERM, then SIGKILL after 10 s); idempotent.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Waits until the daemon accepts TCP connections on 127.0.0.1:<paramref name="port"/> and <paramref name="ready"/> holds.</summary>
    /// <exception cref="InvalidOperationException">It exited or did not listen within 30 s (the message holds its output).</exception>
    public async Task WaitUntilListeningAsync(int port, Func<bool>? ready = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                if (ready?.Invoke() ?? true)
                {
                    return;
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{_process.StartInfo.FileName} did not start: {Output}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
