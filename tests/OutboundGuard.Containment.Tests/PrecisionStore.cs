using System.Text.Json;
using Npgsql;
using OutboundGuard.Storage.Postgres;

namespace OutboundGuard.Containment.Tests;

/// <summary>One stored finding of a verdict.</summary>
public sealed record StoredFinding(string Detector, double Weight, string Text);

/// <summary>A stored verdict that did more than relay: its account, action and findings.</summary>
public sealed record StoredVerdict(string Account, string Action, IReadOnlyList<StoredFinding> Findings);

/// <summary>
/// What the relay stored after a replay, read from its private PostgreSQL (attached, left running): each
/// account's state, its spooled messages by state (quarantined ones are held), whether it was ever throttled,
/// and every verdict that did more than relay, with its evidence.
/// </summary>
public sealed record PrecisionStore(
    IReadOnlyDictionary<string, string> States,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Messages,
    IReadOnlySet<string> EverThrottled,
    IReadOnlyList<StoredVerdict> Verdicts)
{
    public int MessagesIn(string account, string state) => Messages.TryGetValue(account, out var byState) && byState.TryGetValue(state, out var n) ? n : 0;

    public static async Task<PrecisionStore> ReadAsync(string dataDirectory)
    {
        await using var cluster = await PrivatePostgres.StartAsync(Path.Combine(dataDirectory, "postgres"));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();

        var states = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await using (var command = new NpgsqlCommand("SELECT address, state FROM accounts", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                states[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var messages = new Dictionary<string, Dictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        await using (var command = new NpgsqlCommand("SELECT a.address, m.state, count(*)::int FROM messages m JOIN accounts a ON a.id = m.account_id GROUP BY a.address, m.state", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                if (!messages.TryGetValue(reader.GetString(0), out var byState))
                {
                    messages[reader.GetString(0)] = byState = new Dictionary<string, int>(StringComparer.Ordinal);
                }

                byState[reader.GetString(1)] = reader.GetInt32(2);
            }
        }

        var throttled = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var command = new NpgsqlCommand("SELECT DISTINCT a.address FROM account_state_history h JOIN accounts a ON a.id = h.account_id WHERE h.to_state <> 'active'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                throttled.Add(reader.GetString(0));
            }
        }

        var verdicts = new List<StoredVerdict>();
        await using (var command = new NpgsqlCommand("SELECT a.address, v.action, v.evidence::text FROM verdicts v JOIN accounts a ON a.id = v.account_id WHERE v.action <> 'Relay' ORDER BY v.id", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                using var evidence = JsonDocument.Parse(reader.GetString(2));
                var findings = evidence.RootElement.EnumerateArray()
                    .Select(e => new StoredFinding(Property(e, "detector").GetString() ?? "", Property(e, "weight").GetDouble(), Property(e, "text").GetString() ?? ""))
                    .ToList();
                verdicts.Add(new StoredVerdict(reader.GetString(0), reader.GetString(1), findings));
            }
        }

        return new PrecisionStore(states, messages.ToDictionary(m => m.Key, m => (IReadOnlyDictionary<string, int>)m.Value, StringComparer.OrdinalIgnoreCase), throttled, verdicts);
    }

    private static JsonElement Property(JsonElement element, string name)
        => element.EnumerateObject().First(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
