using Npgsql;
using OutboundGuard.Storage.Postgres;

namespace OutboundGuard.Containment.Tests;

/// <summary>What hold and rescan did in a replay, read from the relay's PostgreSQL: per account, messages held and how each hold ended.</summary>
public sealed record HeldQueue(IReadOnlyDictionary<string, HeldQueue.Account> Accounts)
{
    /// <summary>One account's held messages: released to delivery, quarantined at the rescan (or by a suspension), still held, and the longest hold of a released message, in seconds.</summary>
    public sealed record Account(int Held, int Released, int Quarantined, int Waiting, double LongestSeconds);

    /// <summary>Settings that make holds end within a test: <paramref name="hold"/> instead of 15 min, the rescan looking every second.</summary>
    public static Dictionary<string, string> Settings(TimeSpan hold, bool enabled = true) => new()
    {
        ["OutboundGuard__Scoring__Hold__Enabled"] = enabled ? "true" : "false",
        ["OutboundGuard__Scoring__Hold__Duration"] = hold.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["OutboundGuard__Scoring__Hold__PollInterval"] = "00:00:01",
    };

    public Account For(string address) => Accounts.TryGetValue(address, out var a) ? a : new Account(0, 0, 0, 0, 0);

    private const string Sql = """
        SELECT a.address,
               count(*)::int,
               count(*) FILTER (WHERE m.state NOT IN ('held', 'quarantined', 'deleted'))::int,
               count(*) FILTER (WHERE m.state IN ('quarantined', 'deleted'))::int,
               count(*) FILTER (WHERE m.state = 'held')::int,
               coalesce(max(extract(epoch FROM
                   (SELECT min(r.decided_at) FROM verdicts r WHERE r.message_id = m.id AND r.reason LIKE 'held %' AND NOT r.evidence @> '[{"detector":"hold","weight":0}]')
                   - m.received_at)) FILTER (WHERE m.state NOT IN ('held', 'quarantined', 'deleted')), 0)::double precision
        FROM messages m JOIN accounts a ON a.id = m.account_id
        WHERE EXISTS (SELECT 1 FROM verdicts v WHERE v.message_id = m.id AND v.evidence @> '[{"detector":"hold"}]')
        GROUP BY a.address
        """;

    /// <summary>Reads the held messages; the cluster is attached (started when the relay left it stopped).</summary>
    public static async Task<HeldQueue> ReadAsync(string dataDirectory)
    {
        await using var cluster = await PrivatePostgres.StartAsync(Path.Combine(dataDirectory, "postgres"));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        var accounts = new Dictionary<string, Account>(StringComparer.OrdinalIgnoreCase);
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            accounts[reader.GetString(0)] = new Account(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetDouble(5));
        }

        return new HeldQueue(accounts);
    }

    /// <summary>Waits until no message is held any more (every hold ended in its rescan), or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitUntilEmptyAsync(string dataDirectory, TimeSpan timeout)
    {
        await using var cluster = await PrivatePostgres.StartAsync(Path.Combine(dataDirectory, "postgres"));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM messages WHERE state = 'held'", connection);
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            await Task.Delay(1000);
        }
    }
}
