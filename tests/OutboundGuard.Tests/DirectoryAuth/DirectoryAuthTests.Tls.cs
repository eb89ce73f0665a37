using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit.Security;
using OutboundGuard.Testing.Processes;
using OutboundGuard.Testing.Tls;
using Xunit;

namespace OutboundGuard.Tests.DirectoryAuth;

/// <summary>LDAP over TLS: StartTLS on ldap:// and ldaps://, the directory's certificate checked against the tenant's CA file and the URL's host.</summary>
public sealed partial class DirectoryAuthTests
{
    [Fact]
    public async Task Ldap_over_starttls_accepts_the_right_password_and_refuses_a_wrong_one_and_an_unknown_user()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "ldap", "--endpoint", directories.Slapd.Url, "--ldap-bind-dn", BindDnTemplate, "--ldap-tls-ca-file", directories.Slapd.CaFile);

        await AssertTheOldPersonSignsInAndOthersAreRefusedAsync(tenant);
    }

    [Fact]
    public async Task Ldaps_search_then_bind_with_a_compound_filter_accepts_the_right_password_and_refuses_a_wrong_one_and_an_unknown_user()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "ldap", "--endpoint", directories.Slapd.LdapsUrl, "--ldap-search-base", SlapdInstance.Suffix,
            "--ldap-search-filter", "(&(uid={local})(objectClass=inetOrgPerson)(!(mail=nobody*))(cn=*))", "--ldap-search-bind-dn", SlapdInstance.AdminDn,
            "--ldap-search-bind-password-stdin", "--ldap-tls-ca-file", directories.Slapd.CaFile);

        await AssertTheOldPersonSignsInAndOthersAreRefusedAsync(tenant);
    }

    [Fact]
    public async Task A_directory_certificate_from_another_ca_gets_454_over_starttls_and_ldaps_and_nothing_is_accepted()
    {
        using var otherCa = TestCertificateAuthority.Create("Another CA");
        var otherCaFile = Path.Combine(Path.GetTempPath(), $"og-other-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(otherCaFile, otherCa.CertificatePem);
        var (startTls, ldaps, systemStore) = (NewTenant(), NewTenant(), NewTenant());
        await UseSourceAsync(startTls, "--source", "ldap", "--endpoint", directories.Slapd.Url, "--ldap-bind-dn", BindDnTemplate, "--ldap-tls-ca-file", otherCaFile);
        await UseSourceAsync(ldaps, "--source", "ldap", "--endpoint", directories.Slapd.LdapsUrl, "--ldap-bind-dn", BindDnTemplate, "--ldap-tls-ca-file", otherCaFile);
        await UseSourceAsync(systemStore, "--source", "ldap", "--endpoint", directories.Slapd.Url, "--ldap-bind-dn", BindDnTemplate);
        var (uid, password) = directories.OldPerson;

        await AssertTemporaryFailureAndNothingAcceptedAsync($"{uid}@{startTls}", password);
        await AssertTemporaryFailureAndNothingAcceptedAsync($"{uid}@{ldaps}", password);
        await AssertTemporaryFailureAndNothingAcceptedAsync($"{uid}@{systemStore}", password);

        var log = relay.Relay.Output;
        Assert.Contains("issued by CN=Directory test CA ", log, StringComparison.Ordinal);
        Assert.Contains("LDAP CA certificates (", log, StringComparison.Ordinal);
        Assert.Contains("does not chain to the system trust store (", log, StringComparison.Ordinal);
        Assert.DoesNotContain(password, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_certificate_for_another_host_name_gets_454_and_nothing_is_accepted()
    {
        var password = NewPassword();
        await using var slapd = await SlapdInstance.StartAsync([("fay", "fay@people.example", password, DateTimeOffset.UtcNow.AddYears(-2))], certificateNames: ["ldap.elsewhere.example"]);
        var (startTls, ldaps) = (NewTenant(), NewTenant());
        await UseSourceAsync(startTls, "--source", "ldap", "--endpoint", slapd.Url, "--ldap-bind-dn", BindDnTemplate, "--ldap-tls-ca-file", slapd.CaFile);
        await UseSourceAsync(ldaps, "--source", "ldap", "--endpoint", slapd.LdapsUrl, "--ldap-bind-dn", BindDnTemplate, "--ldap-tls-ca-file", slapd.CaFile);

        await AssertTemporaryFailureAndNothingAcceptedAsync($"fay@{startTls}", password);
        await AssertTemporaryFailureAndNothingAcceptedAsync($"fay@{ldaps}", password);

        Assert.Contains("(CN=ldap.elsewhere.example) does not name the host 127.0.0.1 of the endpoint URL", relay.Relay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starttls_required_but_refused_by_the_directory_gets_454_while_plain_ldap_still_works_when_configured()
    {
        var password = NewPassword();
        await using var slapd = await SlapdInstance.StartAsync([("gus", "gus@people.example", password, DateTimeOffset.UtcNow.AddYears(-2))], tls: false);
        var (required, plain) = (NewTenant(), NewTenant());
        await UseSourceAsync(required, "--source", "ldap", "--endpoint", slapd.Url, "--ldap-bind-dn", BindDnTemplate);
        await UseSourceAsync(plain, "--source", "ldap", "--endpoint", slapd.Url, "--ldap-bind-dn", BindDnTemplate, "--ldap-tls", "none");

        await AssertTemporaryFailureAndNothingAcceptedAsync($"gus@{required}", password);
        var reply = await SendAsync($"gus@{plain}", password);

        Assert.Contains($"{slapd.Url}: the directory refused StartTLS (result ", relay.Relay.Output, StringComparison.Ordinal);
        Assert.Contains("Queued as", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_defaults_new_ldap_settings_to_starttls_shows_the_ca_and_refuses_a_bad_tls_setting_ca_file_or_filter()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "ldap", "--endpoint", "ldap://ldap.example", "--ldap-bind-dn", BindDnTemplate, "--ldap-tls-ca-file", directories.Slapd.CaFile);
        var notPem = Path.Combine(Path.GetTempPath(), $"og-not-pem-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(notPem, "not a certificate\n");

        var (code, stdout, stderr) = await relay.CliAsync("tenants", "auth-source", tenant, "--json");
        var badTls = await relay.CliAsync("tenants", "auth-source", tenant, "--source", "ldap", "--endpoint", "ldap://ldap.example", "--ldap-bind-dn", BindDnTemplate, "--ldap-tls", "sometimes");
        var ldapsPlain = await relay.CliAsync("tenants", "auth-source", tenant, "--source", "ldap", "--endpoint", "ldaps://ldap.example", "--ldap-bind-dn", BindDnTemplate, "--ldap-tls", "none");
        var badCa = await relay.CliAsync("tenants", "auth-source", tenant, "--source", "ldap", "--endpoint", "ldap://ldap.example", "--ldap-bind-dn", BindDnTemplate, "--ldap-tls-ca-file", notPem);
        var badFilter = await relay.CliAsync("tenants", "auth-source", tenant, "--source", "ldap", "--endpoint", "ldap://ldap.example", "--ldap-search-base", "dc=example", "--ldap-search-filter", "(&(mail={user})(uid=x)");

        Assert.True(code == 0, stderr);
        using var shown = JsonDocument.Parse(stdout);
        Assert.Equal("starttls", shown.RootElement.GetProperty("ldapTls").GetString());
        Assert.StartsWith("CN=Directory test CA ", shown.RootElement.GetProperty("ldapTlsCa").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN CERTIFICATE", stdout, StringComparison.Ordinal);
        var audit = await QueryAsync<string>("SELECT details::text FROM audit_log WHERE action = 'tenant.auth_source' AND target = @tenant", new { tenant });
        Assert.Contains("\"ldapTls\": \"starttls\"", audit, StringComparison.Ordinal);
        Assert.Equal((2, 2, 2, 2), (badTls.ExitCode, ldapsPlain.ExitCode, badCa.ExitCode, badFilter.ExitCode));
        Assert.Contains("--ldap-tls 'sometimes' is not one of starttls, none.", badTls.StdErr, StringComparison.Ordinal);
        Assert.Contains("An ldaps:// endpoint is always TLS", ldapsPlain.StdErr, StringComparison.Ordinal);
        Assert.Contains("holds no PEM certificate", badCa.StdErr, StringComparison.Ordinal);
        Assert.Contains("is malformed at character 23: the filter ends where ')' was expected", badFilter.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_sets_starttls_with_the_tenants_ca_and_refuses_an_unknown_tls_mode_and_a_ca_that_is_no_pem()
    {
        var tenant = NewTenant();
        Assert.Equal(0, (await relay.CliAsync("tenants", "add", tenant)).ExitCode);
        using var http = await AdminHttpAsync();
        var setting = new { source = "ldap", endpoint = directories.Slapd.Url, ldapBindDn = BindDnTemplate, ldapTlsCaPem = directories.Slapd.CaPem };

        using var set = await http.PutAsJsonAsync($"/api/tenants/{tenant}/auth-source", setting);
        using var badTls = await http.PutAsJsonAsync($"/api/tenants/{tenant}/auth-source", new { setting.source, setting.endpoint, setting.ldapBindDn, ldapTls = "sometimes" });
        using var badCa = await http.PutAsJsonAsync($"/api/tenants/{tenant}/auth-source", setting with { ldapTlsCaPem = "not a certificate" });
        var shown = await http.GetStringAsync($"/api/tenants/{tenant}/auth-source");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (set.StatusCode, badTls.StatusCode, badCa.StatusCode));
        Assert.Contains("'sometimes' is not one of starttls, none.", await badTls.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("holds no PEM certificate", await badCa.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(shown);
        Assert.Equal("starttls", json.RootElement.GetProperty("ldapTls").GetString());
        Assert.StartsWith("CN=Directory test CA ", json.RootElement.GetProperty("ldapTlsCa").GetString(), StringComparison.Ordinal);
        await AssertTheOldPersonSignsInAndOthersAreRefusedAsync(tenant);
    }
}
