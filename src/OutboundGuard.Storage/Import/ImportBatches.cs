using Npgsql;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.Import;

/// <summary>
/// The transaction loop of a bulk import, shared by <c>accounts import</c> and <c>tenants import</c>: rows in
/// batches, one transaction each on one connection, so a row is written whole with its batch or not at all; a check
/// runs the very same statements and rolls every batch back; a real run writes its one audit entry with the last
/// batch. Progress is reported after each batch.
/// </summary>
public static class ImportBatches
{
    /// <param name="dataSource">The database.</param>
    /// <param name="rows">The valid rows, in file order.</param>
    /// <param name="batchSize">Rows per transaction.</param>
    /// <param name="check">True to roll every batch back and write no audit entry.</param>
    /// <param name="progress">Told the number of rows done after each batch.</param>
    /// <param name="importBatch">Writes one batch inside its transaction.</param>
    /// <param name="actor">Who imports, for the audit log.</param>
    /// <param name="auditAction">The audit action of a run (<c>account.import</c>, <c>tenant.import</c>).</param>
    /// <param name="source">The file name, the audit entry's target.</param>
    /// <param name="auditDetails">The run's counts, asked for when the last batch is written.</param>
    /// <param name="cancellationToken">Stops between statements; the current batch is rolled back.</param>
    public static async Task RunAsync<TRow>(NpgsqlDataSource dataSource, IReadOnlyList<TRow> rows, int batchSize, bool check, IProgress<int>? progress,
        Func<NpgsqlConnection, NpgsqlTransaction, List<TRow>, CancellationToken, Task> importBatch,
        string actor, string auditAction, string source, Func<object> auditDetails,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var batches = Math.Max(1, (rows.Count + batchSize - 1) / batchSize);
        for (var b = 0; b < batches; b++)
        {
            var batch = rows.Skip(b * batchSize).Take(batchSize).ToList();
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (batch.Count > 0)
            {
                await importBatch(connection, transaction, batch, cancellationToken);
            }

            if (check)
            {
                await transaction.RollbackAsync(cancellationToken);
            }
            else
            {
                if (b == batches - 1)
                {
                    await AuditLogRepository.AppendAsync(connection, transaction, actor, auditAction, source, null, auditDetails(), cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            progress?.Report(Math.Min(rows.Count, (b + 1) * batchSize));
        }
    }
}
