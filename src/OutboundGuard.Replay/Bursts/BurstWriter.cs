using System.Text.Json;

namespace OutboundGuard.Replay.Bursts;

/// <summary>
/// Writes a burst folder: content files under <c>messages/</c>, <c>manifest.jsonl</c> and, when there are
/// accounts, <c>accounts.json</c>. Used by the generator and by capture.
/// </summary>
public sealed class BurstWriter
{
    private readonly string _directory;
    private readonly List<BurstEntry> _entries = [];
    private readonly List<BurstAccount> _accounts = [];

    /// <summary>Creates (or reuses) the folder.</summary>
    public BurstWriter(string directory)
    {
        _directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Path.Combine(_directory, "messages"));
    }

    /// <summary>The burst folder.</summary>
    public string Directory => _directory;

    /// <summary>How many entries were added.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds an account to accounts.json.</summary>
    public void AddAccount(BurstAccount account) => _accounts.Add(account);

    /// <summary>Stores <paramref name="content"/> as the next message file and adds the entry pointing at it.</summary>
    public BurstEntry Add(BurstEntry entry, ReadOnlySpan<byte> content)
    {
        var relative = $"messages/{_entries.Count + 1:D6}.eml";
        File.WriteAllBytes(Path.Combine(_directory, relative), content.ToArray());
        var stored = entry with { File = relative };
        _entries.Add(stored);
        return stored;
    }

    /// <summary>Adds an entry as it is (no content, or content stored earlier).</summary>
    public void AddWithoutContent(BurstEntry entry) => _entries.Add(entry);

    /// <summary>Writes manifest.jsonl and accounts.json.</summary>
    public void Complete()
    {
        using (var writer = new StreamWriter(Path.Combine(_directory, BurstReader.ManifestFile)))
        {
            writer.NewLine = "\n";
            foreach (var entry in _entries.OrderBy(e => e.OffsetMs))
            {
                writer.WriteLine(JsonSerializer.Serialize(entry, BurstJson.Line));
            }
        }

        if (_accounts.Count > 0)
        {
            File.WriteAllText(Path.Combine(_directory, BurstReader.AccountsFile), JsonSerializer.Serialize(_accounts, BurstJson.Document) + "\n");
        }
    }
}
