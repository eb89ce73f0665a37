using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication;

/// <summary>
/// Checks a password by a simple bind (RFC 4513 §5.1.3) as the user's entry: its DN built from the tenant's template,
/// or found by a search (search-then-bind, as the search DN or anonymously). The entry's <c>createTimestamp</c>
/// (RFC 4512 §3.4) gives an account created at its first AUTH its age. Invalid credentials (49) and an unknown user
/// are a rejection; anything else the server or the connection says is an unavailable source.
/// </summary>
public sealed class LdapPasswordVerifier(IOptions<DirectoryAuthOptions> options) : IPasswordVerifier
{
    private const int InvalidCredentials = 49;

    private static readonly string[] CreateTimestamp = ["createTimestamp"];

    public AuthSourceKind Kind => AuthSourceKind.Ldap;

    public Task<PasswordCheck> VerifyAsync(TenantAuthSource source, string userName, string password, AccountRecord? account, CancellationToken cancellationToken)
    {
        // An empty password would be an unauthenticated bind, which servers answer with success (RFC 4513 §5.1.2).
        if (password.Length == 0)
        {
            return Task.FromResult(PasswordCheck.Rejected);
        }

        if (!Uri.TryCreate(source.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("ldap" or "ldaps"))
        {
            return Task.FromResult(PasswordCheck.Unavailable($"'{source.Endpoint}' is not an ldap:// URL"));
        }

        // The library's calls are synchronous; AUTH is already handled off the socket's I/O thread.
        return Task.FromResult(Verify(source, uri, userName, password));
    }

    private PasswordCheck Verify(TenantAuthSource source, Uri uri, string userName, string password)
    {
        var timeout = options.Value.Timeout;
        try
        {
            using var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.IsDefaultPort ? (uri.Scheme == "ldaps" ? 636 : 389) : uri.Port), null, AuthType.Basic)
            {
                Timeout = timeout,
                AutoBind = false,
            };
            connection.SessionOptions.ProtocolVersion = 3;
            connection.SessionOptions.SecureSocketLayer = uri.Scheme == "ldaps";
            connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;

            string dn;
            DateTimeOffset? created = null;
            if (source.LdapSearchBase is { } searchBase)
            {
                if (source.LdapSearchBindDn is { } searchDn)
                {
                    connection.Bind(new NetworkCredential(searchDn, source.LdapSearchBindPassword));
                }
                else
                {
                    connection.AuthType = AuthType.Anonymous;
                    connection.Bind();
                    connection.AuthType = AuthType.Basic;
                }

                var filter = Fill(source.LdapSearchFilter ?? "(mail={user})", userName, EscapeFilterValue);
                var found = (SearchResponse)connection.SendRequest(new SearchRequest(searchBase, filter, SearchScope.Subtree, CreateTimestamp) { SizeLimit = 2, TimeLimit = timeout });
                if (found.Entries.Count != 1)
                {
                    // None: an unknown user. Several: the filter does not name one user, so none is trusted.
                    return PasswordCheck.Rejected;
                }

                dn = found.Entries[0].DistinguishedName;
                created = CreatedAt(found.Entries[0]);
            }
            else
            {
                dn = Fill(source.LdapBindDn!, userName, EscapeDnValue);
            }

            connection.Bind(new NetworkCredential(dn, password));
            created ??= ReadCreatedAt(connection, dn, timeout);
            return new PasswordCheck(PasswordCheckOutcome.Accepted, DirectoryCreatedAt: created);
        }
        catch (LdapException e) when (e.ErrorCode == InvalidCredentials)
        {
            return PasswordCheck.Rejected;
        }
        catch (LdapException e)
        {
            return PasswordCheck.Unavailable($"{uri.Host}:{uri.Port}: LDAP error {e.ErrorCode.ToString(CultureInfo.InvariantCulture)} ({e.Message})");
        }
        catch (DirectoryOperationException e)
        {
            return PasswordCheck.Unavailable($"{uri.Host}:{uri.Port}: {e.Response?.ResultCode.ToString() ?? "error"} ({e.Message})");
        }
    }

    /// <summary>The entry's creation time as the user may read it; null when the server does not show it.</summary>
    private static DateTimeOffset? ReadCreatedAt(LdapConnection connection, string dn, TimeSpan timeout)
    {
        try
        {
            var own = (SearchResponse)connection.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, CreateTimestamp) { TimeLimit = timeout });
            return own.Entries.Count == 1 ? CreatedAt(own.Entries[0]) : null;
        }
        catch (DirectoryOperationException)
        {
            return null;
        }
    }

    private static DateTimeOffset? CreatedAt(SearchResultEntry entry)
        => entry.Attributes["createTimestamp"] is { Count: > 0 } attribute && attribute[0] is string text && TryParseGeneralizedTime(text, out var at) ? at : null;

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
