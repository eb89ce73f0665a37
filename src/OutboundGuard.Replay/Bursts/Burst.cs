namespace OutboundGuard.Replay.Bursts;

/// <summary>
/// A captured (or generated) burst of outbound mail ready to replay: its entries in time order, its
/// accounts, and the folder its relative content paths resolve against.
/// </summary>
public sealed class Burst : IDisposable
{
    private readonly string? _temporaryDirectory;

    /// <param name="name">The burst's name.</param>
    /// <param name="directory">The folder content paths resolve against.</param>
    /// <param name="entries">The messages, in any order.</param>
    /// <param name="accounts">The accounts from accounts.json.</param>
    /// <param name="temporaryDirectory">A folder extracted from an archive, deleted on dispose.</param>
    public Burst(string name, string directory, IReadOnlyList<BurstEntry> entries, IReadOnlyList<BurstAccount> accounts, string? temporaryDirectory = null)
    {
        _temporaryDirectory = temporaryDirectory;
        Name = name;
        Directory = directory;
        Entries = [.. entries.OrderBy(e => e.OffsetMs)];
        Accounts = accounts;
    }

    /// <summary>The burst's name (its folder or file name).</summary>
    public string Name { get; }

    /// <summary>The folder holding the manifest and the content files.</summary>
    public string Directory { get; }

    /// <summary>The messages, ordered by offset.</summary>
    public IReadOnlyList<BurstEntry> Entries { get; }

    /// <summary>The accounts from accounts.json (possibly empty).</summary>
    public IReadOnlyList<BurstAccount> Accounts { get; }

    /// <summary>The full path of an entry's content file, or null when it has none.</summary>
    public string? ContentPath(BurstEntry entry) => entry.File is null ? null : Path.GetFullPath(Path.Combine(Directory, entry.File));

    /// <summary>Every sending account, in order of first appearance.</summary>
    public IReadOnlyList<string> AccountAddresses => [.. Entries.Select(e => e.Account).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>An account is abusive in this burst when any of its messages is labelled spam or phish.</summary>
    public bool IsAbusive(string account) => Entries.Any(e => e.IsAbusive && e.Account.Equals(account, StringComparison.OrdinalIgnoreCase));

    /// <summary>The password for an account: from accounts.json, else its manifest entries, else null.</summary>
    public string? PasswordOf(string account)
        => Accounts.FirstOrDefault(a => a.Address.Equals(account, StringComparison.OrdinalIgnoreCase))?.Password
           ?? Entries.FirstOrDefault(e => e.Password is not null && e.Account.Equals(account, StringComparison.OrdinalIgnoreCase))?.Password;

    /// <summary>The set-up of an account from accounts.json, or null.</summary>
    public BurstAccount? AccountSetup(string account) => Accounts.FirstOrDefault(a => a.Address.Equals(account, StringComparison.OrdinalIgnoreCase));

    /// <summary>Removes the folder an archive was extracted into, if any.</summary>
    public void Dispose()
    {
        if (_temporaryDirectory is not null && System.IO.Directory.Exists(_temporaryDirectory))
        {
            try
            {
                System.IO.Directory.Delete(_temporaryDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
