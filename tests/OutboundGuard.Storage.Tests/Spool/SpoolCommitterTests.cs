using Dapper;
using Npgsql;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Storage.Verdicts;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Spool;

[Collection(PostgresCollection.Name)]
public sealed class SpoolCommitterTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _spoolDirectory = Path.Combine(Path.GetTempPath(), "og-spool-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_spoolDirectory))
        {
            Directory.Delete(_spoolDirectory, recursive: true);
        }
    }

    private SpooledMessage Row(FileSpool spool, MessageState state = MessageState.Quarantined)
    {
        var id = Guid.CreateVersion7();
        return new SpooledMessage
        {
            Id = id,
            SessionId = "s-" + id.ToString("N")[..8],
            ClientIp = "127.0.0.1",
            EnvelopeFrom = "sender@commit.example",
            Recipients = ["a@dest.example", "b@dest.example"],
            SizeOctets = 10,
            SpoolPath = spool.PathOf(id),
            Subject = "group commit",
            State = state,
        };
    }

    /// <summary>A clean verdict for <paramref name="row"/>, committed with it (also used by <see cref="SpoolGroupSyncTests"/>).</summary>
    internal static VerdictRow VerdictFor(SpooledMessage row)
        => new(null, row.Id, row.SessionId, new Verdict(VerdictAction.Relay, 0, [], "clean"), row.EnvelopeFrom, row.Recipients.Count, row.Subject);

    private async Task<(long Messages, long Verdicts)> CountAsync(IEnumerable<Guid> ids)
    {
        var array = ids.ToArray();
        await using var connection = await postgres.DataSource.OpenConnectionAsync();
        var messages = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM messages WHERE id = ANY(@array)", new { array });
        var verdicts = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM verdicts WHERE message_id = ANY(@array)", new { array });
        return (messages, verdicts);
    }

    [Fact]
    public async Task A_message_row_and_its_verdict_have_committed_when_the_commit_returns()
    {
        var spool = new FileSpool(_spoolDirectory);
        await using var committer = new SpoolCommitter(postgres.DataSource);
        var row = Row(spool, MessageState.Queued);

        await committer.CommitAsync(row, VerdictFor(row));

        Assert.Equal((1L, 1L), await CountAsync([row.Id]));
    }

    [Fact]
    public async Task Concurrent_sessions_share_transactions_and_no_row_is_lost()
    {
        var spool = new FileSpool(_spoolDirectory);
        await using var committer = new SpoolCommitter(postgres.DataSource);
        var rows = Enumerable.Range(0, 200).Select(_ => Row(spool)).ToList();

        await Task.WhenAll(rows.Select(row => Task.Run(() => committer.CommitAsync(row, VerdictFor(row)))));

        Assert.Equal((200L, 200L), await CountAsync(rows.Select(r => r.Id)));
        Assert.Equal(200, committer.Rows);
        Assert.True(committer.Batches < 200, $"{committer.Batches} transactions for 200 rows: nothing was grouped");
    }

    [Fact]
    public async Task When_the_database_is_unreachable_every_waiter_of_the_batch_fails_and_nothing_is_stored()
    {
        var spool = new FileSpool(_spoolDirectory);
        var unreachable = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = Testing.Processes.FreePort.Next(), Timeout = 2 };
        await using var dataSource = NpgsqlDataSource.Create(unreachable.ConnectionString);
        await using var committer = new SpoolCommitter(dataSource);
        var rows = Enumerable.Range(0, 20).Select(_ => Row(spool)).ToList();

        var commits = rows.Select(row => committer.CommitAsync(row, VerdictFor(row))).ToList();

        foreach (var commit in commits)
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => commit);
        }

        Assert.Equal((0L, 0L), await CountAsync(rows.Select(r => r.Id)));
    }

    [Fact]
    public async Task A_row_the_database_refuses_fails_only_its_own_session()
    {
        var spool = new FileSpool(_spoolDirectory);
        await using var committer = new SpoolCommitter(postgres.DataSource);
        var good = Row(spool);
        var bad = Row(spool) with { ClientIp = "not-an-address" };
        var other = Row(spool);

        // Handed over together: usually one batch; either way only the refused row fails.
        var commits = new[] { committer.CommitAsync(good, VerdictFor(good)), committer.CommitAsync(bad, VerdictFor(bad)), committer.CommitAsync(other, VerdictFor(other)) };

        await Assert.ThrowsAsync<PostgresException>(() => commits[1]);
        await commits[0];
        await commits[2];
        Assert.Equal((2L, 2L), await CountAsync([good.Id, other.Id]));
        Assert.Equal((0L, 0L), await CountAsync([bad.Id]));
    }

    [Fact]
    public async Task A_spool_folder_that_cannot_be_synced_fails_the_commit_with_an_io_error()
    {
        var spool = new FileSpool(_spoolDirectory);
        await using var committer = new SpoolCommitter(postgres.DataSource);
        var row = Row(spool) with { SpoolPath = Path.Combine(_spoolDirectory, "missing", "x.eml") };

        await Assert.ThrowsAsync<IOException>(() => committer.CommitAsync(row, VerdictFor(row)));

        Assert.Equal((0L, 0L), await CountAsync([row.Id]));
    }

    [Fact]
    public async Task After_disposal_a_commit_is_refused_with_an_io_error()
    {
        var spool = new FileSpool(_spoolDirectory);
        var committer = new SpoolCommitter(postgres.DataSource);
        await committer.DisposeAsync();
        var row = Row(spool);

        await Assert.ThrowsAsync<IOException>(() => committer.CommitAsync(row, VerdictFor(row)));
        Assert.Equal((0L, 0L), await CountAsync([row.Id]));
    }
}
