using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Cli;

/// <summary>
/// <c>outboundguard tenants auth-source DOMAIN [--source local|dovecot|ldap ... [--ldap-tls starttls|none] [--ldap-tls-ca-file PEM]]</c>: shows or sets where the tenant's
/// SMTP AUTH passwords are checked (audited as <c>tenant.auth_source</c>).
/// </summary>
internal static class TenantsAuthSourceCommand
{
    public static Command Create()
    {
        var domain = new Argument<string>("domain") { Description = "The tenant's domain, e.g. tenant.example" };
        var source = new Option<string?>("--source") { Description = "local (the accounts' own password hashes, the default), dovecot or ldap; without it the current source is shown" };
        var endpoint = new Option<string?>("--endpoint") { Description = "dovecot: unix:/run/dovecot/auth-client or host:port; ldap: ldap://host:port" };
        var bindDn = new Option<string?>("--ldap-bind-dn") { Description = "ldap: the user's DN template, e.g. uid={local},ou=people,dc=tenant,dc=example ({user}: the whole login, {local}, {domain})" };
        var searchBase = new Option<string?>("--ldap-search-base") { Description = "ldap search-then-bind: the base DN searched for the user's entry" };
        var searchFilter = new Option<string?>("--ldap-search-filter") { Description = "ldap search-then-bind: the filter, default (mail={user})" };
        var searchBindDn = new Option<string?>("--ldap-search-bind-dn") { Description = "ldap search-then-bind: the DN the search binds as (anonymous without it)" };
        var searchPasswordStdin = new Option<bool>("--ldap-search-bind-password-stdin") { Description = "Read the search bind DN's password from standard input (first line)" };
        var ldapTls = new Option<string?>("--ldap-tls") { Description = "ldap:// endpoints: starttls (the default: StartTLS before any bind) or none (passwords in clear text); ldaps:// is always TLS" };
        var ldapCaFile = new Option<string?>("--ldap-tls-ca-file") { Description = "ldap TLS: a PEM file of the CA certificates the directory's certificate must chain to (default: the system trust store)" };
        var establishedSince = new Option<string?>("--established-since") { Description = "The age (ISO 8601 date) of accounts created at their first directory AUTH when the directory tells none" };
        var command = new Command("auth-source", "Show or set where the tenant's SMTP AUTH passwords are checked")
        {
            domain, source, endpoint, bindDn, searchBase, searchFilter, searchBindDn, searchPasswordStdin, ldapTls, ldapCaFile, establishedSince, CommonOptions.Json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(parse, async (db, _, token) =>
        {
            var sources = new TenantAuthSourceRepository(db.DataSource);
            var tenant = parse.GetValue(domain)!;
            if (parse.GetValue(source) is { } kindText)
            {
                if (!TenantAuthSource.TryParseKind(kindText, out var kind))
                {
                    return await UsageAsync($"--source '{kindText}' is not one of local, dovecot, ldap.");
                }

                DateTimeOffset? since = null;
                if (parse.GetValue(establishedSince) is { } sinceText)
                {
                    if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) || parsed > DateTimeOffset.UtcNow)
                    {
                        return await UsageAsync($"--established-since '{sinceText}' is not a past ISO 8601 date (2015-03-01) or date-time.");
                    }

                    since = parsed;
                }

                string? searchPassword = null;
                if (parse.GetValue(searchPasswordStdin))
                {
                    searchPassword = (await Console.In.ReadLineAsync(token))?.TrimEnd('\r');
                }

                var tls = LdapTls.StartTls;
                if (parse.GetValue(ldapTls) is { } tlsText && !TenantAuthSource.TryParseLdapTls(tlsText, out tls))
                {
                    return await UsageAsync($"--ldap-tls '{tlsText}' is not one of starttls, none.");
                }

                string? caPem = null;
                if (parse.GetValue(ldapCaFile) is { } caFile)
                {
                    if (!File.Exists(caFile))
                    {
                        return await UsageAsync($"--ldap-tls-ca-file '{caFile}' does not exist.");
                    }

                    caPem = await File.ReadAllTextAsync(caFile, token);
                }

                var setting = new TenantAuthSource
                {
                    Kind = kind,
                    Endpoint = parse.GetValue(endpoint),
                    LdapBindDn = parse.GetValue(bindDn),
                    LdapSearchBase = parse.GetValue(searchBase),
                    LdapSearchFilter = parse.GetValue(searchFilter),
                    LdapSearchBindDn = parse.GetValue(searchBindDn),
                    LdapSearchBindPassword = searchPassword,
                    LdapTls = tls,
                    LdapTlsCaPem = caPem,
                    EstablishedSince = since,
                };
                if (setting.Problem() is { } problem)
                {
                    return await UsageAsync(problem);
                }

                if (!await sources.SetAsync(tenant, setting, AccountsCommand.Actor, token))
                {
                    return await UsageAsync($"No tenant {tenant}: create it first with: outboundguard tenants add {tenant}");
                }
            }

            var current = await sources.FindAsync(tenant, token);
            if (current is null)
            {
                return await UsageAsync($"No tenant {tenant}.");
            }

            Console.WriteLine(parse.GetValue(CommonOptions.Json)
                ? JsonSerializer.Serialize(TenantAuthSourceRepository.Describe(current))
                : $"Tenant {tenant}: authentication source {TenantAuthSource.ToText(current.Kind)}"
                    + (current.Endpoint is null ? "" : $" at {current.Endpoint}")
                    + (current.LdapBindDn is null ? "" : $", bind DN {current.LdapBindDn}")
                    + (current.LdapSearchBase is null ? "" : $", search {current.LdapSearchFilter ?? "(mail={user})"} under {current.LdapSearchBase}")
                    + (current.Kind != AuthSourceKind.Ldap ? "" : current.LdapUsesTls
                        ? $", TLS ({(current.Endpoint?.StartsWith("ldaps:", StringComparison.OrdinalIgnoreCase) == true ? "ldaps" : "StartTLS")}) checked against {TenantAuthSource.DescribeCa(current.LdapTlsCaPem)}"
                        : ", no TLS: passwords cross the network in clear text")
                    + (current.EstablishedSince is { } at ? $"; established since {at:yyyy-MM-dd}" : ""));
            return CliRunner.ExitOk;
        }, ct));
        return command;
    }

    private static async Task<int> UsageAsync(string problem)
    {
        await Console.Error.WriteLineAsync("error: " + problem);
        return CliRunner.ExitUsage;
    }
}
