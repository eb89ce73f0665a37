using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using MimeKit;

namespace OutboundGuard.Replay.Bursts;

/// <summary>
/// Opens a burst from what users have at hand: a burst folder (manifest.jsonl + .eml files, optionally
/// accounts.json), the same as a .tar.gz or .zip archive, a plain folder of .eml files, or an mbox file. The
/// last two are sent by one account given on the command line, at a uniform pace.
/// </summary>
public static class BurstReader
{
    public const string ManifestFile = "manifest.jsonl";
    public const string AccountsFile = "accounts.json";

    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="BurstFormatException">The manifest or accounts file is malformed, or an .eml folder or mbox has no account.</exception>
    public static Burst Open(string path, BurstOpenOptions? options = null)
    {
        options ??= new BurstOpenOptions();
        var full = Path.GetFullPath(path);
        var name = NameOf(full);
        if (Directory.Exists(full))
        {
            return File.Exists(Path.Combine(full, ManifestFile))
                ? OpenManifest(name, full, null)
                : OpenEmlFolder(name, full, options);
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"No burst at {full}.", full);
        }

        var lower = full.ToLowerInvariant();
        if (lower.EndsWith(".tar.gz", StringComparison.Ordinal) || lower.EndsWith(".tgz", StringComparison.Ordinal) || lower.EndsWith(".zip", StringComparison.Ordinal))
        {
            var temporary = Extract(full);
            var root = FindManifestFolder(temporary);
            return root is null
                ? OpenEmlFolder(name, temporary, options, temporary)
                : OpenManifest(name, root, temporary);
        }

        return OpenMbox(name, full, options);
    }

    /// <summary>Reads the entries of a manifest.jsonl stream; each error names the line.</summary>
    /// <exception cref="BurstFormatException">A line is not a valid entry.</exception>
    public static IReadOnlyList<BurstEntry> ReadManifest(TextReader reader, string source = ManifestFile)
    {
        var entries = new List<BurstEntry>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            BurstEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<BurstEntry>(line, BurstJson.Line);
            }
            catch (JsonException e)
            {
                throw new BurstFormatException($"{source} line {number}: not a JSON object of the burst format ({e.Message}).", e);
            }

            entries.Add(Validate(entry, source, number));
        }

        return entries;
    }

    private static BurstEntry Validate(BurstEntry? entry, string source, int number)
    {
        if (entry is null)
        {
            throw new BurstFormatException($"{source} line {number}: null is not an entry.");
        }

        if (string.IsNullOrWhiteSpace(entry.Account))
        {
            throw new BurstFormatException($"{source} line {number}: \"account\" is missing.");
        }

        if (entry.OffsetMs < 0)
        {
            throw new BurstFormatException($"{source} line {number}: \"offset_ms\" must not be negative.");
        }

        if (entry.File is not null && (Path.IsPathRooted(entry.File) || entry.File.Split('/', '\\').Contains("..")))
        {
            throw new BurstFormatException($"{source} line {number}: \"file\" must be a path inside the burst folder, not {entry.File}.");
        }

        if (entry.File is not null && entry.RcptTo.Count == 0)
        {
            throw new BurstFormatException($"{source} line {number}: \"rcpt_to\" must name at least one recipient.");
        }

        return entry;
    }

    private static Burst OpenManifest(string name, string directory, string? temporary)
    {
        IReadOnlyList<BurstEntry> entries;
        using (var reader = new StreamReader(Path.Combine(directory, ManifestFile)))
        {
            entries = ReadManifest(reader);
        }

        var accountsPath = Path.Combine(directory, AccountsFile);
        IReadOnlyList<BurstAccount> accounts = [];
        if (File.Exists(accountsPath))
        {
            try
            {
                accounts = JsonSerializer.Deserialize<List<BurstAccount>>(File.ReadAllText(accountsPath), BurstJson.Document) ?? [];
            }
            catch (JsonException e)
            {
                throw new BurstFormatException($"{AccountsFile}: not a JSON array of accounts ({e.Message}).", e);
            }
        }

        foreach (var entry in entries.Where(e => e.File is not null))
        {
            if (!File.Exists(Path.Combine(directory, entry.File!)))
            {
                throw new BurstFormatException($"{ManifestFile}: {entry.File} does not exist in {directory}.");
            }
        }

        return new Burst(name, directory, entries, accounts, temporary);
    }

    private static Burst OpenEmlFolder(string name, string directory, BurstOpenOptions options, string? temporary = null)
    {
        var files = Directory.GetFiles(directory, "*.eml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        return Uniform(name, directory, files, options, temporary);
    }

    private static Burst OpenMbox(string name, string path, BurstOpenOptions options)
    {
        var temporary = TemporaryFolder();
        var files = new List<string>();
        using (var stream = File.OpenRead(path))
        {
            var parser = new MimeParser(stream, MimeFormat.Mbox);
            while (!parser.IsEndOfStream)
            {
                MimeMessage message;
                try
                {
                    message = parser.ParseMessage();
                }
                catch (FormatException e)
                {
                    throw new BurstFormatException($"{path}: message {files.Count + 1} of the mbox cannot be parsed ({e.Message}).", e);
                }

                var file = Path.Combine(temporary, $"{files.Count + 1:D6}.eml");
                message.WriteTo(file);
                files.Add(file);
            }
        }

        return Uniform(name, temporary, files, options, temporary);
    }

    private static Burst Uniform(string name, string directory, List<string> files, BurstOpenOptions options, string? temporary)
    {
        if (string.IsNullOrWhiteSpace(options.Account))
        {
            throw new BurstFormatException($"{name} has no {ManifestFile}: give the sending account on the command line (--account ADDRESS).");
        }

        var entries = new List<BurstEntry>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var recipients = RecipientsOf(files[i]);
            if (recipients.Count == 0)
            {
                throw new BurstFormatException($"{files[i]}: no To, Cc or Bcc address to send to.");
            }

            entries.Add(new BurstEntry
            {
                OffsetMs = (long)(options.Interval.TotalMilliseconds * i),
                Account = options.Account,
                Password = options.Password,
                MailFrom = options.Account,
                RcptTo = recipients,
                File = Path.GetRelativePath(directory, files[i]),
            });
        }

        return new Burst(name, directory, entries, [], temporary);
    }

    private static List<string> RecipientsOf(string file)
    {
        var headers = HeaderList.Load(file);
        var addresses = new List<string>();
        foreach (var field in new[] { HeaderId.To, HeaderId.Cc, HeaderId.Bcc })
        {
            foreach (var value in headers.Where(h => h.Id == field).Select(h => h.Value))
            {
                if (InternetAddressList.TryParse(value, out var list))
                {
                    addresses.AddRange(list.Mailboxes.Select(m => m.Address));
                }
            }
        }

        return [.. addresses.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static string Extract(string archive)
    {
        var temporary = TemporaryFolder();
        if (archive.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipFile.ExtractToDirectory(archive, temporary);
        }
        else
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            TarFile.ExtractToDirectory(gzip, temporary, overwriteFiles: false);
        }

        return temporary;
    }

    private static string? FindManifestFolder(string root)
        => Directory.GetFiles(root, ManifestFile, SearchOption.AllDirectories).OrderBy(p => p.Length).Select(Path.GetDirectoryName).FirstOrDefault();

    private static string TemporaryFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "og-burst-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string NameOf(string path)
    {
        var name = Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar));
        foreach (var suffix in new[] { ".tar.gz", ".tgz", ".zip", ".mbox" })
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }
}
