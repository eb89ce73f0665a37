using Dapper;
using Npgsql;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Audit;

namespace OutboundGuard.Storage.AuthSources;

/// <summary>Accounts created at their first successful AUTH against the tenant's directory.</summary>
public sealed class DirectoryAccountRepository(NpgsqlDataSource dataSource)
{
    /// <summary>The actor named in the audit entry of an account the directory vouched for.</summary>
    public const string Actor = "directory";

    // An address whose account was removed (its row kept under "ADDRESS#removed-ID") is not created again: only an
    // admin's `accounts add` brings it back.
    private const string InsertSql = """
        INSERT INTO accounts (tenant_id, address, created_at, updated_at)
        SELECT @tenantId, @address, @createdAt, now()
        WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE removed_at IS NOT NULL AND starts_with(address, @address || '#removed-'))
        ON CONFLICT (address) DO NOTHING
        RETURNING id
        """;

    /// <summary>
    /// Returns the account, creating it (without a password: the directory holds it) in the tenant with
    /// <paramref name="createdAt"/> as its age, with an <c>account.create</c> audit entry, when it does not exist yet.
    /// An existing account is returned as it is: its state and age are left alone. Null when the address belonged to an
    /// account that was removed and no admin has added it again: the directory still knowing a login does not undo a removal.
    /// </summary>
    /// <exception cref="ArgumentException">The login is not a mailbox of the form local@domain.</exception>
    public async Task<AccountRecord?> EnsureAsync(string address, LoginAuthSource login, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        address = AccountRepository.NormalizeAddress(address);
        var accounts = new AccountRepository(dataSource);
        if (await accounts.FindAsync(address, cancellationToken) is { } existing)
        {
            return existing;
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(InsertSql, new { tenantId = login.TenantId, address, createdAt }, transaction, cancellationToken: cancellationToken));
            if (id is not null)
            {
                await AuditLogRepository.AppendAsync(connection, transaction, Actor, "account.create", address, null,
                    new { tenant = login.Tenant, source = TenantAuthSource.ToText(login.Source.Kind), createdAt }, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return await accounts.FindAsync(address, cancellationToken);
    }
}
