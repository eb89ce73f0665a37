namespace OutboundGuard.Storage.Postgres;

/// <summary>The PostgreSQL server binaries needed for the private cluster are not on this machine.</summary>
public sealed class PostgresNotInstalledException : Exception
{
    public const string InstallHint = "apt-get install -y postgresql";

    public PostgresNotInstalledException()
        : base($"PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin. Install them with: {InstallHint}")
    {
    }

    public PostgresNotInstalledException(string message) : base(message)
    {
    }

    public PostgresNotInstalledException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
