using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Reliability.Tests.FuzzRegressions;

/// <summary>Runs only where AFL++ and the SharpFuzz instrumenter are installed (scripts/fuzz.sh installs both).</summary>
public sealed class FuzzerFactAttribute : FactAttribute
{
    public FuzzerFactAttribute()
    {
        if (AflFuzzTests.RepositoryRoot is not { } root)
        {
            Skip = "The repository (scripts/fuzz.sh) is not above the test folder.";
        }
        else if (!File.Exists("/usr/bin/afl-fuzz") || !File.Exists(Path.Combine(root, ".tools", "sharpfuzz", "sharpfuzz")))
        {
            Skip = "AFL++ or the SharpFuzz instrumenter is missing: run scripts/fuzz.sh once to install them.";
        }
    }
}

/// <summary>A bounded run of the coverage-guided fuzzer over both targets (about 30 s of fuzzing).</summary>
public sealed partial class AflFuzzTests(ITestOutputHelper output)
{
    public static string? RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "scripts", "fuzz.sh")))
                {
                    return directory.FullName;
                }
            }

            return null;
        }
    }

    [FuzzerFact]
    public async Task Thirty_seconds_of_AFL_fuzzing_find_no_crash_in_the_parser_or_the_reader()
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot! };
        info.ArgumentList.Add("scripts/fuzz.sh");
        info.ArgumentList.Add("30");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cts.Token);
        var text = await stdout + await stderr;
        output.WriteLine(text);

        Assert.Equal(0, process.ExitCode);
        var runs = Summary().Matches(text);
        Assert.Equal(2, runs.Count);
        Assert.All(runs, m => Assert.True(long.Parse(m.Groups["execs"].Value, CultureInfo.InvariantCulture) > 0, m.Value));
        Assert.All(runs, m => Assert.Equal("0", m.Groups["crashes"].Value));
    }

    [GeneratedRegex(@"(?<target>command|data): \d+ s, (?<execs>\d+) executions, .* (?<crashes>\d+) crashes")]
    private static partial Regex Summary();
}
