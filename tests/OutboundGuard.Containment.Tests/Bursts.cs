using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Generation;

namespace OutboundGuard.Containment.Tests;

/// <summary>
/// The reference bursts, generated once per test run into a temp folder: from the SpamAssassin corpus when
/// <c>.corpus</c> exists in the repository (CI fetches it), else from the built-in texts — never from the network.
/// </summary>
public static class Bursts
{
    private static readonly Lazy<(string Directory, string Source)> Generated = new(() =>
    {
        var generator = new BurstGenerator(CorpusSource.TryOpen(FindCorpus()));
        var directory = Path.Combine(Path.GetTempPath(), "og-bursts-" + Guid.NewGuid().ToString("N")[..10]);
        generator.GenerateAll(directory);
        return (directory, generator.Source);
    });

    public static string Source => Generated.Value.Source;

    public static string PathOf(string name) => Path.Combine(Generated.Value.Directory, name);

    /// <summary>Message-ID → entry of a burst, to tell which delivered message was which.</summary>
    public static IReadOnlyDictionary<string, BurstEntry> ByMessageId(string name)
    {
        using var burst = BurstReader.Open(PathOf(name));
        var map = new Dictionary<string, BurstEntry>(StringComparer.Ordinal);
        foreach (var entry in burst.Entries)
        {
            var headers = MimeKit.HeaderList.Load(burst.ContentPath(entry)!);
            map[headers[MimeKit.HeaderId.MessageId]!.Trim().Trim('<', '>')] = entry;
        }

        return map;
    }

    /// <summary>The .corpus folder above the test assembly, or null (then the built-in texts are used).</summary>
    public static string? FindCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
