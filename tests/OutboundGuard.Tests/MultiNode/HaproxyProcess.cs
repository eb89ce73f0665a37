using System.Diagnostics;
using System.Net.Sockets;

namespace OutboundGuard.Tests.MultiNode;

/// <summary>
/// A real HAProxy in TCP mode balancing SMTP round-robin over relay nodes, sending the PROXY protocol v2
/// header to each (as deploy/haproxy/haproxy.cfg does), with its configuration generated per test run.
/// </summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/haproxy";

    private readonly Process _process;
    private readonly string _directory;

    private HaproxyProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<HaproxyProcess> StartAsync(int port, IReadOnlyList<int> nodePorts)
    {
        var directory = Path.Combine(Path.GetTempPath(), "og-haproxy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var servers = string.Join('\n', nodePorts.Select((p, i) => $"    server node{i} 127.0.0.1:{p} send-proxy-v2 check check-send-proxy inter 1s"));
        var config = $"""
            global
                maxconn 512

            defaults
                mode tcp
                timeout connect 5s
                timeout client 2m
                timeout server 2m

            frontend smtp
                bind 127.0.0.1:{port}
                default_backend relays

            backend relays
                balance roundrobin
            {servers}

            """;
        var path = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(path, config);
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-db", "-f", path })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var haproxy = new HaproxyProcess(process, directory, port);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return haproxy;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
