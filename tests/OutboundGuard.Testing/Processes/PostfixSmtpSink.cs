using System.Diagnostics;

namespace OutboundGuard.Testing.Processes;

/// <summary>
/// Postfix's smtp-sink on a free loopback port, dumping every received message (with its envelope as
/// X-Mail-From / X-Rcpt-To lines) into a folder: a real downstream SMTP server for delivery tests.
/// </summary>
public sealed class PostfixSmtpSink : IAsyncDisposable
{
    private readonly Process _process;

    private PostfixSmtpSink(Process process, int port, string dumpDirectory)
    {
        _process = process;
        Port = port;
        DumpDirectory = dumpDirectory;
    }

    public const string Binary = "/usr/sbin/smtp-sink";

    public int Port { get; }

    public string DumpDirectory { get; }

    /// <param name="port">The port to listen on; a free one when null.</param>
    /// <param name="dumpDirectory">Where to dump received messages; a new temp folder when null.</param>
    /// <param name="dataDelaySeconds">Seconds smtp-sink waits before answering each DATA (its <c>-w</c>), to make sessions overlap; 0 for none.</param>
    public static async Task<PostfixSmtpSink> StartAsync(int? port = null, string? dumpDirectory = null, int dataDelaySeconds = 0)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y postfix");
        }

        dumpDirectory ??= Path.Combine(Path.GetTempPath(), "og-sink-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dumpDirectory);
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postfix", dumpDirectory);
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("postfix");
        }

        if (dataDelaySeconds > 0)
        {
            info.ArgumentList.Add("-w");
            info.ArgumentList.Add(dataDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var chosen = port ?? FreePort.Next();
        foreach (var a in new[] { "-d", Path.Combine(dumpDirectory, "%M."), "-h", "sink.test", $"127.0.0.1:{chosen}", "256" })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var sink = new PostfixSmtpSink(process, chosen, dumpDirectory);
        await sink.WaitUntilListeningAsync();
        return sink;
    }

    /// <summary>The messages received so far (each file holds the envelope lines and the message).</summary>
    public IReadOnlyList<string> ReceivedFiles() => Directory.GetFiles(DumpDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>Waits until at least <paramref name="count"/> messages arrived, or the timeout passes.</summary>
    public async Task<IReadOnlyList<string>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var files = ReceivedFiles();
            if (files.Count >= count || DateTime.UtcNow > deadline)
            {
                return files;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> received messages contain <paramref name="text"/>; returns the
    /// contents of those that do (fewer once <paramref name="timeout"/> ran out). smtp-sink creates a message's file when
    /// the transaction starts and writes it as the data arrives, so a file listed (what <see cref="WaitForMessagesAsync"/>
    /// counts) may not hold its content yet.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitForMessagesContainingAsync(string text, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var contents = await Task.WhenAll(ReceivedFiles().Select(f => File.ReadAllTextAsync(f)));
            var matching = contents.Where(c => c.Contains(text, StringComparison.Ordinal)).ToList();
            if (matching.Count >= count || DateTime.UtcNow > deadline)
            {
                return matching;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until a received message contains <paramref name="text"/>; returns its content, or null after the timeout.</summary>
    public async Task<string?> WaitForMessageContainingAsync(string text, TimeSpan timeout)
    {
        var found = await WaitForMessagesContainingAsync(text, 1, timeout);
        return found.Count > 0 ? found[0] : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"smtp-sink exited: {await _process.StandardError.ReadToEndAsync()}");
                }

                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"smtp-sink did not listen on port {Port}.");
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        await p.WaitForExitAsync();
    }
}
