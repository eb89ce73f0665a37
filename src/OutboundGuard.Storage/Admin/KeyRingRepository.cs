using Dapper;
using Npgsql;

namespace OutboundGuard.Storage.Admin;

/// <summary>
/// The admin console's key ring (table <c>admin_key_ring</c>): every key as data protection wrote it. Synchronous
/// because data protection's key repository is; it reads the ring when it first needs a key and then about once a day
/// (its own refresh), never per request.
/// </summary>
public sealed class KeyRingRepository(NpgsqlDataSource dataSource)
{
    private const string AllSql = "SELECT xml FROM admin_key_ring ORDER BY created_at, name";

    // Names are unique ("key-{id}", a new id each); the conflict clause only makes a repeated write harmless.
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
