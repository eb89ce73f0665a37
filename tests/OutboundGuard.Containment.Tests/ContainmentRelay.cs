using System.Text.RegularExpressions;
using OutboundGuard.Replay.Reporting;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Containment.Tests;

/// <summary>
/// A fresh relay for one burst: <c>outboundguard serve</c> as a process with its private PostgreSQL, the
/// test-only replay clock on, delivering to a real Postfix smtp-sink; bursts are set up and replayed through
/// the CLI, as users' CI does it.
/// </summary>
public sealed partial class ContainmentRelay : IAsyncDisposable
{
    private readonly PostfixSmarthost? _smarthost;

    private ContainmentRelay(PostfixSmtpSink sink, PostfixSmarthost? smarthost, RelayProcess relay, string data, int smtpPort)
    {
        Sink = sink;
        _smarthost = smarthost;
        Relay = relay;
        DataDirectory = data;
        SmtpPort = smtpPort;
    }

    public PostfixSmtpSink Sink { get; }

    public RelayProcess Relay { get; }

    public string DataDirectory { get; }

    public int SmtpPort { get; }

    /// <param name="knownRecipientsOnly">
    /// Deliver through a Postfix smarthost that refuses <c>gone.*</c> recipients with 550 5.1.1 (stale and harvested
    /// addresses) and passes the rest on to the sink, as a receiving server would; else straight to the sink.
    /// </param>
    public static Task<ContainmentRelay> StartAsync(bool knownRecipientsOnly = false) => StartAsync(new Dictionary<string, string>(), knownRecipientsOnly);

    /// <summary>Starts a relay with <paramref name="settings"/> (environment variables) on top of the containment settings.</summary>
    /// <param name="settings">Extra settings.</param>
    /// <param name="knownRecipientsOnly">As for <see cref="StartAsync(bool)"/>.</param>
    public static async Task<ContainmentRelay> StartAsync(IReadOnlyDictionary<string, string> settings, bool knownRecipientsOnly = false)
    {
        var sink = await PostfixSmtpSink.StartAsync();
        var smarthost = knownRecipientsOnly ? await PostfixSmarthost.StartAsync(sink.Port) : null;
        var data = Path.Combine(Path.GetTempPath(), "og-contain-" + Guid.NewGuid().ToString("N")[..10]);
        var smtp = FreePort.Next();
        var relay = RelayProcess.Start(
            ["serve", "--smtp", $"127.0.0.1:{smtp}", "--http", $"127.0.0.1:{FreePort.Next()}", "--smarthost", $"127.0.0.1:{smarthost?.Port ?? sink.Port}", "--data", data],
            new Dictionary<string, string>(settings)
            {
                ["OutboundGuard__Testing__ReplayClock"] = "true",
                ["OutboundGuard__Delivery__PollInterval"] = "00:00:01",
                // Kept so an incident can be captured with its content.
                ["OutboundGuard__Delivery__SpoolRetention"] = "1.00:00:00",
            });
        await relay.WaitForOutputAsync("OutboundGuard is running.", TimeSpan.FromSeconds(120));
        return new ContainmentRelay(sink, smarthost, relay, data, smtp);
    }

    /// <summary>Runs a CLI verb against this relay's data folder; fails the test on a non-zero exit.</summary>
    public Task<string> CliAsync(string? standardInput, params string[] arguments) => CliAsync(standardInput, TimeSpan.FromMinutes(5), arguments);

    /// <summary>Runs a CLI verb against this relay's data folder within <paramref name="timeout"/>; fails the test on a non-zero exit.</summary>
    public async Task<string> CliAsync(string? standardInput, TimeSpan timeout, params string[] arguments)
    {
        var (code, stdout, stderr) = await RelayProcess.RunAsync([.. arguments, "--data", DataDirectory], standardInput, timeout: timeout);
        Assert.True(code == 0, $"outboundguard {string.Join(' ', arguments)} exited {code}:\n{stdout}\n{stderr}");
        return stdout;
    }

    /// <summary>Replays a burst at full speed (the relay's replay clock keeps captured time) and returns the report.</summary>
    public Task<(ReplayReport Report, string Text)> ReplayAsync(string burst, params string[] extra) => ReplayAsync(burst, 8, TimeSpan.FromMinutes(5), extra);

    /// <summary>Replays a burst at full speed with <paramref name="concurrency"/> messages in flight, within <paramref name="timeout"/>, and returns the report.</summary>
    public async Task<(ReplayReport Report, string Text)> ReplayAsync(string burst, int concurrency, TimeSpan timeout, params string[] extra)
    {
        var json = Path.Combine(DataDirectory, "report-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        var text = await CliAsync(null, timeout, ["replay", burst, "--server", $"127.0.0.1:{SmtpPort}", "--starttls", "--pace", "fast", "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", json, .. extra]);
        return (ReportText.FromJson(await File.ReadAllTextAsync(json))!, text);
    }

    /// <summary>Waits until the sink has received nothing new for a few delivery polls, then returns the received files.</summary>
    public async Task<IReadOnlyList<string>> DrainedSinkAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var last = -1;
        var stableSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            var count = Sink.ReceivedFiles().Count;
            if (count != last)
            {
                last = count;
                stableSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(5))
            {
                break;
            }

            await Task.Delay(250);
        }

        return Sink.ReceivedFiles();
    }

    /// <summary>The Message-ID of a message the sink received.</summary>
    public static string? MessageIdOf(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (MessageIdHeader().Match(line) is { Success: true } m)
            {
                return m.Groups[1].Value;
            }

            if (line.Length == 0)
            {
                break;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^Message-ID:\s*<([^>]+)>", RegexOptions.IgnoreCase)]
    private static partial Regex MessageIdHeader();

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        if (_smarthost is not null)
        {
            await _smarthost.DisposeAsync();
        }

        await Sink.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
