using Microsoft.Extensions.Logging;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery;

/// <summary>
/// Removes spool files no message row needs: content written by the SMTP side whose row was never committed (the
/// process died between the file's fsync and the row's commit, so no 250 was sent and the client retries), files of
/// delivered messages whose row was marked removed in the attempt's commit but whose deletion right after it did not
/// happen (crash, I/O error), and repair copies left by a delivery attempt cut off by a crash. Only files untouched
/// for <see cref="MinimumAge"/> are candidates, so a transaction in progress is never swept.
/// </summary>
internal sealed class OrphanSpoolSweep(string directory, MessageQueueRepository repository, TimeProvider time, ILogger logger)
{
    /// <summary>A file younger than this may belong to a session still writing or committing it.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);

    /// <summary>How often the queue runs the sweep.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private const int Batch = 1000;

    /// <summary>Sweeps once; returns how many files were removed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime - MinimumAge;
        var removed = 0;
        var candidates = new List<(Guid Id, string Path)>(Batch);
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(path);
            if (!IsOld(path, cutoff))
            {
                continue;
            }

            if (name.StartsWith(".repair-", StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                removed += TryDelete(path) ? 1 : 0;
                continue;
            }

            // <id>.eml and <id>.dsn.eml; anything else in the spool is not ours to judge.
            if (!name.EndsWith(".eml", StringComparison.Ordinal) || !Guid.TryParse(name[..name.IndexOf('.', StringComparison.Ordinal)], out var id))
            {
                continue;
            }

            candidates.Add((id, path));
            if (candidates.Count == Batch)
            {
                removed += await RemoveOrphansAsync(candidates, cancellationToken).ConfigureAwait(false);
                candidates.Clear();
            }
        }

        removed += await RemoveOrphansAsync(candidates, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            Log.OrphanSpoolFilesRemoved(logger, removed);
        }

        return removed;
    }

    private async Task<int> RemoveOrphansAsync(List<(Guid Id, string Path)> candidates, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return 0;
        }

        var known = await repository.GetIdsNeedingSpoolFileAsync([.. candidates.Select(c => c.Id)], cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var (id, path) in candidates)
        {
            if (!known.Contains(id) && TryDelete(path))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool IsOld(string path, DateTime cutoff)
    {
        try
        {
            return File.GetLastWriteTimeUtc(path) < cutoff;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.SpoolRemoveFailed(logger, path, exception);
            return false;
        }
    }
}
