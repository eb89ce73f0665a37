using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OutboundGuard.Testing.Processes;

namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>
/// Postfix's smtp-sink on a loopback port, writing each received transaction to a file in <see cref="Directory"/>
/// (envelope as X-Mail-Args / X-Rcpt-Args lines, then the message with LF line endings). Can be stopped and
/// started again on the same port to play a downstream outage.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/smtp-sink";
    private Process? _process;

    public SmtpSink()
        : this(FreePort.Next())
    {
    }

    public SmtpSink(int port)
    {
        Directory = Path.Combine(Path.GetTempPath(), "og-smtp-sink-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows() && Environment.UserName == "root")
        {
            // smtp-sink drops to the postfix user, which must be able to write the dumps.
            File.SetUnixFileMode(Directory, (UnixFileMode)0x1FF);
        }

        Port = port;
    }

    public static bool IsInstalled => File.Exists(Binary);

    public int Port { get; }

    public string Directory { get; }

    public bool IsRunning => _process is { HasExited: false };

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (Environment.UserName == "root")
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("postfix");
        }

        info.ArgumentList.Add("-d");
        info.ArgumentList.Add(Path.Combine(Directory, "%M."));
        info.ArgumentList.Add($"127.0.0.1:{Port}");
        info.ArgumentList.Add("100");
        _process = Process.Start(info)!;

        // Ready when it accepts connections.
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("smtp-sink exited: " + await _process.StandardError.ReadToEndAsync());
                }

                await Task.Delay(50);
            }
        }

        throw new TimeoutException("smtp-sink did not start listening");
    }

    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
            _process = null;
        }
    }

    /// <summary>The dumps written so far (complete transactions only: a dump ends with an empty line).</summary>
    public IReadOnlyList<SinkDump> Dumps()
    {
        var list = new List<SinkDump>();
        foreach (var path in System.IO.Directory.GetFiles(Directory))
        {
            var text = File.ReadAllText(path);
            if (text.EndsWith("\n\n", StringComparison.Ordinal))
            {
                list.Add(SinkDump.Parse(text));
            }
        }

        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
