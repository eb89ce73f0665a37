using Microsoft.Extensions.Logging;

namespace OutboundGuard.Storage;

/// <summary>Storage's log events. Event ids 3000–3999 are Storage's.</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Private PostgreSQL started in {ClusterDirectory} on 127.0.0.1:{Port}")]
    public static partial void PrivatePostgresStarted(ILogger logger, string clusterDirectory, int port);

    [LoggerMessage(3002, LogLevel.Information, "Private PostgreSQL stopped")]
    public static partial void PrivatePostgresStopped(ILogger logger);

    [LoggerMessage(3003, LogLevel.Warning, "pg_ctl stop failed (exit {ExitCode}): {Output}")]
    public static partial void PrivatePostgresStopFailed(ILogger logger, int exitCode, string output);

    [LoggerMessage(3010, LogLevel.Information, "Applied migration {Version}")]
    public static partial void MigrationApplied(ILogger logger, string version);
}
