using Dapper;
using Npgsql;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Security;

namespace OutboundGuard.Storage.Admin;

/// <summary>Ops staff who sign in to the web UI, with Argon2id passwords and a role.</summary>
public sealed partial class AdminUserRepository(NpgsqlDataSource dataSource)
{
    private const string InsertSql = "INSERT INTO admin_users (name, password_hash, role) VALUES (@name, @hash, @role)";

    /// <summary>Adds a user (audited).</summary>
    /// <exception cref="ArgumentException">The name is empty, the role unknown or the password breaks <see cref="PasswordRule"/>.</exception>
    /// <exception cref="DuplicateNameException">A user with this name exists.</exception>
    public async Task<AdminUser> AddAsync(string name, string password, string role, string actor, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length == 0 || name.Length > 100)
        {
            throw new ArgumentException("The user name must have 1 to 100 characters.", nameof(name));
        }

        if (!AdminRoles.IsValid(role))
        {
            throw new ArgumentException($"Unknown role '{role}'; expected viewer, operator or admin.", nameof(role));
        }

        PasswordRule.Check(password);

        var hash = PasswordHasher.Hash(password);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, new { name, hash, role }, transaction, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateNameException("user", name);
        }

        await AuditLogRepository.AppendAsync(connection, transaction, actor, "user.create", name, null, new { role }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await FindAsync(name, cancellationToken))!;
    }

    private const string ListSql = "SELECT id, name, password_hash, role, disabled, created_at FROM admin_users WHERE removed_at IS NULL ORDER BY name";

    /// <summary>Every user, by name (the password hash is read but never shown).</summary>
    public async Task<IReadOnlyList<AdminUser>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AdminUser>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).AsList();
    }

    private const string FindSql = "SELECT id, name, password_hash, role, disabled, created_at FROM admin_users WHERE name = @name";

    public async Task<AdminUser?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AdminUser>(new CommandDefinition(FindSql, new { name = name.Trim() }, cancellationToken: cancellationToken));
    }

    /// <summary>The user when the password matches and the user is not disabled; null otherwise (same work either way).</summary>
    public async Task<AdminUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        var user = await FindAsync(name, cancellationToken);
        if (user is null || user.Disabled)
        {
            PasswordHasher.Verify(password, DummyHash.Value);
            return null;
        }

        return PasswordHasher.Verify(password, user.PasswordHash) ? user : null;
    }

    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString()));
}
