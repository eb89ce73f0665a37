using Dapper;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.Admin;

public sealed partial class AdminUserRepository
{
    // Every admin who can sign in is locked, so two admins removing each other at once cannot leave none.
    private const string LockAdminsSql = "SELECT name FROM admin_users WHERE role = 'admin' AND NOT disabled AND removed_at IS NULL ORDER BY id FOR UPDATE";

    private const string LockLiveSql = "SELECT id, role FROM admin_users WHERE name = @name AND removed_at IS NULL FOR UPDATE";

    private const string RemoveSql = "UPDATE admin_users SET name = @tombstone, disabled = true, removed_at = now() WHERE id = @id";

    /// <summary>The name a removed user's row keeps (<c>NAME#removed-ID</c>): no sign-in matches it and the name is free again.</summary>
    public static string Tombstone(string name, long userId) => FormattableString.Invariant($"{name}#removed-{userId}");

    /// <summary>
    /// Removes a UI user in one transaction with its <c>user.remove</c> audit entry: the row stays under
    /// <see cref="Tombstone"/>, disabled, so the person can no longer sign in and their open sessions end at their next
    /// request (the sign-in cookie is checked against this table). Nobody removes themselves (<paramref name="actorName"/>, the signed-in person acting; null for an API key),
    /// and the last admin who can sign in is never removed.
    /// </summary>
    public async Task<UserRemovalOutcome> RemoveAsync(string name, string? actorName, string reason, string actor, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (string.Equals(name, actorName, StringComparison.Ordinal))
        {
            return UserRemovalOutcome.Self;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var admins = (await connection.QueryAsync<string>(new CommandDefinition(LockAdminsSql, transaction: transaction, cancellationToken: cancellationToken))).AsList();
        var user = await connection.QuerySingleOrDefaultAsync<(long Id, string Role)?>(new CommandDefinition(LockLiveSql, new { name }, transaction, cancellationToken: cancellationToken));
        if (user is not { } found)
        {
            return UserRemovalOutcome.NotFound;
        }

        if (admins.Count == 1 && admins[0] == name)
        {
            return UserRemovalOutcome.LastAdmin;
        }

        var tombstone = Tombstone(name, found.Id);
        await connection.ExecuteAsync(new CommandDefinition(RemoveSql, new { id = found.Id, tombstone }, transaction, cancellationToken: cancellationToken));
        await AuditLogRepository.AppendAsync(connection, transaction, actor, "user.remove", name, reason, new { role = found.Role, tombstone }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return UserRemovalOutcome.Removed;
    }

    private const string SessionStandsSql = "SELECT EXISTS (SELECT 1 FROM admin_users WHERE id = @id AND name = @name AND role = @role AND NOT disabled AND removed_at IS NULL)";

    /// <summary>
    /// Whether a sign-in made as user <paramref name="id"/> named <paramref name="name"/> with <paramref name="role"/>
    /// still stands: that very row is not removed nor disabled and keeps its name and role (a new user who takes a
    /// removed person's name has another id and inherits nothing).
    /// </summary>
    public async Task<bool> SessionStandsAsync(long id, string name, string role, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SessionStandsSql, new { id, name, role }, cancellationToken: cancellationToken));
    }
}
