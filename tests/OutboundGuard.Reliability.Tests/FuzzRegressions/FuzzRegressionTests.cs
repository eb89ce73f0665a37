using OutboundGuard.Fuzz.Targets;
using Xunit;

namespace OutboundGuard.Reliability.Tests.FuzzRegressions;

/// <summary>
/// Replays the fuzz corpus seeds (fuzz/corpus) and every crash input the fuzzer ever found
/// (FuzzRegressions/command, FuzzRegressions/data) through both targets: each must hold its invariants.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var root in new[] { "FuzzCorpus", "FuzzRegressions" })
        {
            var directory = Path.Combine(AppContext.BaseDirectory, root);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, "*.bin", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(AppContext.BaseDirectory, file));
            }
        }

        return data;
    }

    [Fact]
    public void The_corpus_seeds_are_present()
        => Assert.True(Inputs().Count >= 10, "fuzz/corpus seeds were not copied beside the tests");

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_corpus_or_crash_input_holds_the_parser_and_reader_invariants(string file)
    {
        var input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, file));

        SmtpInputTargets.CommandLines(input);
        SmtpInputTargets.DataContent(input);
    }
}
