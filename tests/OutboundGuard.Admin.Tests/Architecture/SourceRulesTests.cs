using System.Text.RegularExpressions;
using Xunit;

namespace OutboundGuard.Admin.Tests.Architecture;

/// <summary>Rules of the source tree that the compiler does not check.</summary>
public sealed partial class SourceRulesTests
{
    [Fact]
    public void Exactly_one_file_in_src_issues_LISTEN_and_it_is_the_notification_hub()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var issuing = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).Any(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && ListenInString().IsMatch(line)))
            .Select(f => Path.GetRelativePath(src, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();

        Assert.Equal(["OutboundGuard.Storage/Notifications/NotificationHub.cs"], issuing);
    }

    [Theory]
    [InlineData("OutboundGuard.Admin", "OutboundGuard.Scoring")]
    [InlineData("OutboundGuard.Admin", "OutboundGuard.Relay")]
    [InlineData("OutboundGuard.Accounts", "OutboundGuard.Scoring")]
    [InlineData("OutboundGuard.Storage", "OutboundGuard.Scoring")]
    [InlineData("OutboundGuard.Storage", "OutboundGuard.Smtp")]
    [InlineData("OutboundGuard.Scoring", "OutboundGuard.Storage")]
    public void A_project_does_not_reach_another_even_through_its_references(string project, string unreachable)
    {
        var reached = ProjectClosure(project);

        Assert.Contains("OutboundGuard.Domain", reached);
        Assert.DoesNotContain(unreachable, reached);
    }

    [Fact]
    public void Admin_and_the_relay_share_the_account_actions()
    {
        Assert.Contains("OutboundGuard.Accounts", ProjectClosure("OutboundGuard.Admin"));
        Assert.Contains("OutboundGuard.Accounts", ProjectClosure("OutboundGuard.Relay"));
    }

    /// <summary>Every project <paramref name="project"/> references, directly or through others (by its ProjectReference lines).</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var name))
        {
            var file = Path.Combine(src, name, name + ".csproj");
            Assert.True(File.Exists(file), $"{file} not found");
            foreach (Match reference in ProjectReference().Matches(File.ReadAllText(file)))
            {
                if (reached.Add(reference.Groups["name"].Value))
                {
                    pending.Push(reference.Groups["name"].Value);
                }
            }
        }

        return reached;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OutboundGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OutboundGuard.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("<ProjectReference\\s+Include=\"[^\"]*?(?<name>[A-Za-z.]+)\\.csproj\"", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectReference();

    /// <summary>A LISTEN statement inside a string literal (plain or interpolated), case-insensitive as SQL is.</summary>
    [GeneratedRegex("\"[^\"]*\\bLISTEN\\s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ListenInString();
}
