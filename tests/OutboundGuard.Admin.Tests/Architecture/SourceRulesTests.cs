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

    [Fact]
    public void Admin_holds_no_reference_to_Scoring()
    {
        var project = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "OutboundGuard.Admin", "OutboundGuard.Admin.csproj"));

        Assert.DoesNotContain("OutboundGuard.Scoring", project, StringComparison.Ordinal);
        Assert.Contains("OutboundGuard.Storage", project, StringComparison.Ordinal);
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

    /// <summary>A LISTEN statement inside a string literal (plain or interpolated), case-insensitive as SQL is.</summary>
    [GeneratedRegex("\"[^\"]*\\bLISTEN\\s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ListenInString();
}
