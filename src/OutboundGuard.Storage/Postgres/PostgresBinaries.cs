namespace OutboundGuard.Storage.Postgres;

/// <summary>Finds the machine's PostgreSQL server binaries: PATH first, then Debian's /usr/lib/postgresql/N/bin, newest N.</summary>
public sealed record PostgresBinaries(string BinDirectory)
{
    public string InitDb => Path.Combine(BinDirectory, "initdb");

    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");

    /// <summary>Locates the binaries or throws <see cref="PostgresNotInstalledException"/> with the install line.</summary>
    public static PostgresBinaries Locate()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                // Resolve symlinks (Debian links /usr/local/bin/initdb into /usr/lib/postgresql/N/bin).
                var resolved = new FileInfo(Path.Combine(dir, "initdb")).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                var binDir = resolved is null ? dir : Path.GetDirectoryName(resolved)!;
                return new PostgresBinaries(File.Exists(Path.Combine(binDir, "pg_ctl")) ? binDir : dir);
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Dir, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (newest.Dir is not null)
            {
                return new PostgresBinaries(Path.Combine(newest.Dir, "bin"));
            }
        }

        throw new PostgresNotInstalledException();
    }
}
