using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.Admin;

/// <summary>
/// API keys for scripts and other systems. A key is 32 random bytes (base64url, prefixed <c>ogk_</c>), shown
/// once at creation; only its SHA-256 is stored. A slow hash such as Argon2id protects guessable passwords;
/// a 256-bit random key cannot be guessed, and SHA-256 keeps every API request fast.
/// </summary>
public sealed class ApiKeyRepository(NpgsqlDataSource dataSource)
{
    private const string InsertSql = "INSERT INTO api_keys (name, key_prefix, key_hash, role, expires_at) VALUES (@name, @prefix, @hash, @role, @expiresAt) RETURNING id";

    /// <summary>Creates a key and returns it with the plain key, which is not stored anywhere.</summary>
    /// <exception cref="ArgumentException">The name is empty or the role unknown.</exception>
    /// <exception cref="DuplicateNameException">A key with this name exists.</exception>
    public Task<(ApiKeyRecord Record, string Key)> CreateAsync(string name, string role, string actor, CancellationToken cancellationToken = default)
        => CreateAsync(name, role, null, actor, cancellationToken);

    /// <summary>Creates a key that stops working at <paramref name="expiresAt"/> (never when null), audited with its expiry.</summary>
    /// <exception cref="ArgumentException">The name is empty or the role unknown.</exception>
    /// <exception cref="DuplicateNameException">A key with this name exists.</exception>
    public async Task<(ApiKeyRecord Record, string Key)> CreateAsync(string name, string role, DateTimeOffset? expiresAt, string actor, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length == 0 || name.Length > 100)
        {
            throw new ArgumentException("The key name must have 1 to 100 characters.", nameof(name));
        }

        if (!AdminRoles.IsValid(role))
        {
            throw new ArgumentException($"Unknown role '{role}'; expected viewer, operator or admin.", nameof(role));
        }

        var key = "ogk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, new { name, prefix = key[..10], hash = Hash(key), role, expiresAt }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateNameException("API key", name);
        }

        await AuditLogRepository.AppendAsync(connection, transaction, actor, "apikey.create", name, null, new { role, expires_at = expiresAt }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var record = (await ListAsync(cancellationToken)).Single(k => k.Name == name);
        return (record, key);
    }

    private const string FindSql = "SELECT id, name, key_prefix, role, created_at, revoked_at, expires_at FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL";

    /// <summary>The unrevoked key with this value, or null; the caller checks <see cref="ApiKeyRecord.ExpiresAt"/>.</summary>
    public async Task<ApiKeyRecord?> FindByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRecord>(new CommandDefinition(FindSql, new { hash = Hash(key) }, cancellationToken: cancellationToken));
    }

    private const string ListSql = "SELECT id, name, key_prefix, role, created_at, revoked_at, expires_at FROM api_keys ORDER BY name";

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ApiKeyRecord>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).AsList();
    }

    private const string RevokeSql = "UPDATE api_keys SET revoked_at = now() WHERE name = @name AND revoked_at IS NULL";

    /// <summary>Revokes a key (audited). False when no live key has this name.</summary>
    public async Task<bool> RevokeAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { name }, transaction, cancellationToken: cancellationToken)) == 0)
        {
            return false;
        }

        await AuditLogRepository.AppendAsync(connection, transaction, actor, "apikey.revoke", name, null, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
