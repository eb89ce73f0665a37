using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Admin;

/// <summary>
/// The admin console's key ring (table <c>admin_key_ring</c>): every key as data protection wrote it. Synchronous
/// because data protection's key repository is; it reads the ring at start and when a key nears expiry, not per request.
/// </summary>
public sealed class KeyRingRepository(NpgsqlDataSource dataSource)
{
    private const string AllSql = "SELECT xml FROM admin_key_ring ORDER BY created_at, name";

    // A name seen twice (two nodes creating the first key at the same moment write different names) keeps the first.
    private const string AddSql = "INSERT INTO admin_key_ring (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING";

    /// <summary>Every stored key, oldest first.</summary>
    public IReadOnlyList<string> All()
    {
        using var connection = dataSource.OpenConnection();
        return connection.Query<string>(AllSql).AsList();
    }

    /// <summary>Stores one key under <paramref name="name"/> (data protection names it "key-{id}").</summary>
    public void Add(string name, string xml)
    {
        using var connection = dataSource.OpenConnection();
        connection.Execute(AddSql, new { name, xml });
    }
}
