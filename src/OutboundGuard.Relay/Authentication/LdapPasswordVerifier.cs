using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using OutboundGuard.Relay.Authentication.Ldap;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication;

/// <summary>
/// Checks a password by a simple bind (RFC 4513 §5.1.3) as the user's entry: its DN built from the tenant's template,
/// or found by a search (search-then-bind, as the search DN or anonymously). The entry's <c>createTimestamp</c>
/// (RFC 4512 §3.4) gives an account created at its first AUTH its age. Invalid credentials (49) and an unknown user
/// are a rejection; anything else the server or the connection says is an unavailable source. With TLS (ldaps://,
/// or StartTLS on ldap://) nothing is sent before the directory's certificate passed <see cref="LdapServerCertificate"/>;
/// a refused StartTLS or a failed check is an unavailable source, never a fallback to plain LDAP.
/// </summary>
public sealed class LdapPasswordVerifier(IOptions<DirectoryAuthOptions> options, TimeProvider time) : IPasswordVerifier
{
    private static readonly string[] CreateTimestamp = ["createTimestamp"];

    public AuthSourceKind Kind => AuthSourceKind.Ldap;

    public async Task<PasswordCheck> VerifyAsync(TenantAuthSource source, string userName, string password, AccountRecord? account, CancellationToken cancellationToken)
    {
        // An empty password would be an unauthenticated bind, which servers answer with success (RFC 4513 §5.1.2).
        if (password.Length == 0)
        {
            return PasswordCheck.Rejected;
        }

        if (!Uri.TryCreate(source.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps") || uri.Host.Length == 0)
        {
            return PasswordCheck.Unavailable($"'{source.Endpoint}' is not an ldap:// URL");
        }

        X509Certificate2Collection? trustedCas = null;
        if (source.LdapTlsCaPem is { } pem)
        {
            if (TenantAuthSource.CaProblem(pem) is { } caProblem)
            {
                return PasswordCheck.Unavailable(caProblem);
            }

            trustedCas = new X509Certificate2Collection();
            trustedCas.ImportFromPem(pem);
        }

        var ldaps = uri.Scheme == "ldaps";
        var host = uri.IdnHost.Trim('[', ']');
        var port = uri.IsDefaultPort || uri.Port < 0 ? (ldaps ? 636 : 389) : uri.Port;
        var endpoint = $"{(ldaps ? "ldaps" : "ldap")}://{uri.Authority}";
        var timeout = options.Value.Timeout;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await using var client = await LdapClient.ConnectAsync(host, port, ldaps, source.LdapTls == LdapTls.StartTls, trustedCas, linked.Token);
            return await BindAsUserAsync(client, source, endpoint, userName, password, timeout, linked.Token);
        }
        catch (LdapTlsException e)
        {
            return PasswordCheck.Unavailable($"{endpoint}: {e.Message}; no password was sent");
        }
        catch (Exception e) when (DirectoryConnectionFailure.Describe(e, endpoint, timeout, deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested) is { } failure)
        {
            return PasswordCheck.Unavailable(failure);
        }
    }

    private static async Task<PasswordCheck> BindAsUserAsync(LdapClient client, TenantAuthSource source, string endpoint, string userName, string password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var timeLimit = (int)Math.Ceiling(timeout.TotalSeconds);
        string dn;
        DateTimeOffset? created = null;
        if (source.LdapSearchBase is { } searchBase)
        {
            // Anonymous unless a search DN is set (RFC 4513 §5.1.1).
            var searchBind = await client.BindAsync(source.LdapSearchBindDn ?? "", source.LdapSearchBindDn is null ? "" : source.LdapSearchBindPassword ?? "", cancellationToken);
            if (searchBind.Code != LdapResult.Success)
            {
                return PasswordCheck.Unavailable($"{endpoint} refused the search bind{(source.LdapSearchBindDn is null ? " (anonymous)" : " as " + source.LdapSearchBindDn)}: {searchBind}");
            }

            var filterText = Fill(source.LdapSearchFilter ?? "(mail={user})", userName, EscapeFilterValue);
            if (!LdapFilter.TryParse(filterText, out var filter, out var problem))
            {
                return PasswordCheck.Unavailable(problem!);
            }

            var (entries, result) = await client.SearchAsync(searchBase, LdapSearchScope.WholeSubtree, filter, CreateTimestamp, 2, timeLimit, cancellationToken);
            if (result.Code is not (LdapResult.Success or LdapResult.SizeLimitExceeded))
            {
                return PasswordCheck.Unavailable($"{endpoint} failed the search under {searchBase}: {result}");
            }

            if (entries.Count != 1)
            {
                // None: an unknown user. Several: the filter does not name one user, so none is trusted.
                return PasswordCheck.Rejected;
            }

            dn = entries[0].Dn;
            created = CreatedAt(entries[0]);
        }
        else
        {
            dn = Fill(source.LdapBindDn!, userName, EscapeDnValue);
        }

        var bind = await client.BindAsync(dn, password, cancellationToken);
        if (bind.Code == LdapResult.InvalidCredentials)
        {
            return PasswordCheck.Rejected;
        }

        if (bind.Code != LdapResult.Success)
        {
            return PasswordCheck.Unavailable($"{endpoint} answered the bind with {bind}");
        }

        created ??= await ReadCreatedAtAsync(client, dn, timeLimit, cancellationToken);
        return new PasswordCheck(PasswordCheckOutcome.Accepted, DirectoryCreatedAt: created);
    }

    /// <summary>The entry's creation time as the user may read it; null when the server does not show it.</summary>
    private static async Task<DateTimeOffset?> ReadCreatedAtAsync(LdapClient client, string dn, int timeLimit, CancellationToken cancellationToken)
    {
        var (entries, result) = await client.SearchAsync(dn, LdapSearchScope.BaseObject, new LdapFilter.Present("objectClass"), CreateTimestamp, 1, timeLimit, cancellationToken);
        return result.Code == LdapResult.Success && entries.Count == 1 ? CreatedAt(entries[0]) : null;
    }

    private static DateTimeOffset? CreatedAt(LdapSearchEntry entry)
        => entry.First("createTimestamp") is { } text && TryParseGeneralizedTime(text, out var at) ? at : null;

    /// <summary>Parses GeneralizedTime as directories write it, e.g. <c>20200101093000Z</c> or <c>20200101093000.0Z</c> (RFC 4517 §3.3.13).</summary>
    public static bool TryParseGeneralizedTime(string text, out DateTimeOffset at)
        => DateTimeOffset.TryParseExact(text, ["yyyyMMddHHmmssZ", "yyyyMMddHHmmss.fZ", "yyyyMMddHHmmss.fffZ", "yyyyMMddHHmmss.ffffffZ"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);

    /// <summary>The template with <c>{user}</c> (the whole login), <c>{local}</c> and <c>{domain}</c> (its parts) filled in, each escaped.</summary>
    private static string Fill(string template, string userName, Func<string, string> escape)
    {
        var at = userName.LastIndexOf('@');
        return template
            .Replace("{user}", escape(userName), StringComparison.Ordinal)
            .Replace("{local}", escape(at < 0 ? userName : userName[..at]), StringComparison.Ordinal)
            .Replace("{domain}", escape(at < 0 ? "" : userName[(at + 1)..]), StringComparison.Ordinal);
    }

    /// <summary>Escapes an attribute value for a DN (RFC 4514 §2.4).</summary>
    public static string EscapeDnValue(string value)
    {
        var escaped = new System.Text.StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' || (i == 0 && c is '#' or ' ') || (i == value.Length - 1 && c == ' '))
            {
                escaped.Append('\\').Append(c);
            }
            else if (c == '\0')
            {
                escaped.Append("\\00");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>Escapes an assertion value for a search filter (RFC 4515 §3).</summary>
    public static string EscapeFilterValue(string value)
        => value.Replace("\\", "\\5c", StringComparison.Ordinal).Replace("*", "\\2a", StringComparison.Ordinal)
            .Replace("(", "\\28", StringComparison.Ordinal).Replace(")", "\\29", StringComparison.Ordinal).Replace("\0", "\\00", StringComparison.Ordinal);
}
