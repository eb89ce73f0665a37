using System.Diagnostics;
using System.Text.RegularExpressions;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>
/// The README's first steps as written: the service started with run.sh's own <c>serve</c> line, then the README's
/// swaks line and its <c>accounts show</c> line run verbatim through bash, but for the ports, the data folder and the
/// printed demo password. A README edit that breaks them fails here.
/// </summary>
public sealed partial class ReadmeExampleTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "og-readme-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly int _smtpPort = FreePort.Next();
    private readonly int _httpPort = FreePort.Next();
    private RelayProcess _relay = null!;

    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OutboundGuard.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("The repository root (OutboundGuard.sln) is not above the test's folder.");
        }
    }

    /// <summary>The README's words with this test's ports and data folder in place of the defaults.</summary>
    private string Substitute(string line) => line
        .Replace("127.0.0.1:2525", $"127.0.0.1:{_smtpPort}", StringComparison.Ordinal)
        .Replace("127.0.0.1:8025", $"127.0.0.1:{_httpPort}", StringComparison.Ordinal)
        .Replace("--port 2525", $"--port {_smtpPort}", StringComparison.Ordinal)
        .Replace("./data", _data, StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        // run.sh installs packages and builds first (the test run has done both), then execs this line.
        var serve = File.ReadAllLines(Path.Combine(Root, "run.sh")).Single(l => l.StartsWith("exec dotnet ", StringComparison.Ordinal));
        var arguments = Substitute(serve[(serve.IndexOf("outboundguard.dll", StringComparison.Ordinal) + "outboundguard.dll".Length)..])
            .Replace("\"$@\"", "", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("serve", arguments[0]);
        _relay = RelayProcess.Start(arguments);
        await _relay.WaitForOutputAsync("Stop with Ctrl-C.", TimeSpan.FromSeconds(240));
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public async Task The_readme_swaks_line_gets_250_and_its_accounts_show_line_prints_the_demo_account()
    {
        var block = ReadmeFirstSteps().Match(await File.ReadAllTextAsync(Path.Combine(Root, "README.md")));
        Assert.True(block.Success, "README.md has no ```sh block with the swaks line");
        var lines = block.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var swaksLine = lines.Single(l => l.TrimStart().StartsWith("swaks ", StringComparison.Ordinal));
        var showLine = lines.Single(l => l.Contains(" accounts show ", StringComparison.Ordinal));
        var password = DemoPassword().Match(_relay.Output).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(password), _relay.Output);

        var swaks = await BashAsync(Substitute(swaksLine).Replace("<printed>", password, StringComparison.Ordinal));
        Assert.True(swaks.ExitCode == 0, swaks.Output);
        // swaks marks the server's lines "<~" once STARTTLS has begun.
        Assert.Matches(@"<~  250 2\.0\.0 Queued as [0-9a-f]{32}", swaks.Output);

        var show = await BashAsync(Substitute(showLine));
        Assert.True(show.ExitCode == 0, show.Output);
        Assert.Contains("demo@demo.example", show.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> BashAsync(string line)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(line);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        return (process.ExitCode, "$ " + line + "\n" + output);
    }

    [GeneratedRegex(@"```sh\n(swaks [\s\S]*?)```")]
    private static partial Regex ReadmeFirstSteps();

    [GeneratedRegex(@"Demo\s+demo@demo\.example / (\S+)")]
    private static partial Regex DemoPassword();
}
