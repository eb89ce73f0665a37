using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using OutboundGuard.Hosting;
using OutboundGuard.Testing.Processes;
using OutboundGuard.Tests.EndToEnd;
using Xunit;

namespace OutboundGuard.Tests.DirectoryAuth;

/// <summary>
/// SMTP AUTH against tenants' directories, over real SMTP sessions (MailKit) to a running relay: a private Dovecot auth
/// service and a private slapd, configured per tenant with <c>outboundguard tenants auth-source</c>.
/// </summary>
public sealed partial class DirectoryAuthTests(RelayFixture relay, DirectoryFixture directories) : IClassFixture<RelayFixture>, IClassFixture<DirectoryFixture>
{
    private const string BindDnTemplate = "uid={local}," + SlapdInstance.PeopleDn;

    private static string NewTenant() => $"dir{Guid.NewGuid():N}"[..13] + ".example";

    private static string NewPassword() => "pw-" + Guid.NewGuid().ToString("N")[..16];

    [Fact]
    public async Task Dovecot_accepts_the_right_password_and_the_new_account_takes_the_tenants_established_since_date()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "dovecot", "--endpoint", "unix:" + directories.Dovecot.SocketPath, "--established-since", "2016-05-01");
        var user = $"ann@{tenant}";
        var password = NewPassword();
        await directories.Dovecot.AddUserAsync(user, password);

        var reply = await SendAsync(user, password);

        Assert.Contains("Queued as", reply, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2016, 5, 1, 0, 0, 0, DateTimeKind.Utc), await QueryAsync<DateTime>("SELECT created_at FROM accounts WHERE address = @user", new { user }));
        Assert.Equal("directory", await QueryAsync<string>("SELECT actor FROM audit_log WHERE action = 'account.create' AND target = @user", new { user }));
    }

    [Fact]
    public async Task Dovecot_over_tcp_refuses_a_wrong_password_and_an_unknown_user_with_the_same_535_as_local_auth()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "dovecot", "--endpoint", $"127.0.0.1:{directories.Dovecot.Port}");
        var user = $"bea@{tenant}";
        var password = NewPassword();
        await directories.Dovecot.AddUserAsync(user, password);
        var local = $"local{Guid.NewGuid():N}"[..12] + "@tenant.example";
        await relay.AddAccountAsync(local);

        var localWrong = await Assert.ThrowsAsync<AuthenticationException>(() => AuthenticateAsync(local, "not-the-password"));
        var wrong = await Assert.ThrowsAsync<AuthenticationException>(() => AuthenticateAsync(user, "not-the-password"));
        var unknown = await Assert.ThrowsAsync<AuthenticationException>(() => AuthenticateAsync($"nobody@{tenant}", password));
        var right = await SendAsync(user, password);

        Assert.Equal(localWrong.Message, wrong.Message);
        Assert.Equal(localWrong.Message, unknown.Message);
        Assert.Contains("5.7.8", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("Queued as", right, StringComparison.Ordinal);
        Assert.Equal(0L, await QueryAsync<long>("SELECT count(*) FROM accounts WHERE address = @a", new { a = $"nobody@{tenant}" }));
    }

    [Fact]
    public async Task A_dovecot_that_is_down_gets_454_and_nothing_is_accepted()
    {
        await using var dovecot = await DovecotInstance.StartAsync();
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "dovecot", "--endpoint", "unix:" + dovecot.SocketPath);
        var (before, after) = ($"up@{tenant}", $"down@{tenant}");
        var password = NewPassword();
        await dovecot.AddUserAsync(before, password);
        await dovecot.AddUserAsync(after, password);
        Assert.Contains("Queued as", await SendAsync(before, password), StringComparison.Ordinal);

        await dovecot.StopAsync();

        await AssertTemporaryFailureAndNothingAcceptedAsync(after, password);
    }

    [Fact]
    public async Task A_directory_that_accepts_the_connection_but_never_answers_gets_454_after_the_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "dovecot", "--endpoint", $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");

        await AssertTemporaryFailureAndNothingAcceptedAsync($"eve@{tenant}", NewPassword());
    }

    [Fact]
    public async Task Ldap_bind_accepts_the_right_password_and_the_new_account_takes_the_entrys_createTimestamp()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "ldap", "--endpoint", directories.Slapd.Url, "--ldap-tls", "none", "--ldap-bind-dn", BindDnTemplate, "--established-since", "2022-01-01");

        await AssertTheOldPersonSignsInAndOthersAreRefusedAsync(tenant);
    }

    [Fact]
    public async Task Ldap_search_then_bind_finds_the_entry_by_mail_and_refuses_wrong_passwords_and_unknown_users()
    {
        var tenant = directories.SearchTenant;
        await UseSourceAsync(tenant, "--source", "ldap", "--endpoint", directories.Slapd.Url, "--ldap-tls", "none", "--ldap-search-base", SlapdInstance.Suffix,
            "--ldap-search-filter", "(mail={user})", "--ldap-search-bind-dn", SlapdInstance.AdminDn, "--ldap-search-bind-password-stdin");
        var (_, mail, password) = directories.SearchedPerson;

        var wrong = await Assert.ThrowsAsync<AuthenticationException>(() => AuthenticateAsync(mail, "not-the-password"));
        var unknown = await Assert.ThrowsAsync<AuthenticationException>(() => AuthenticateAsync($"nobody*@{tenant}", password));
        var reply = await SendAsync(mail, password);

        Assert.Equal(wrong.Message, unknown.Message);
        Assert.Contains("Queued as", reply, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc), await QueryAsync<DateTime>("SELECT created_at FROM accounts WHERE address = @mail", new { mail }));
    }

    [Fact]
    public async Task An_ldap_server_that_is_down_gets_454_and_nothing_is_accepted()
    {
        var password = NewPassword();
        await using var slapd = await SlapdInstance.StartAsync([("dan", "dan@people.example", password, DateTimeOffset.UtcNow.AddYears(-3))]);
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "ldap", "--endpoint", slapd.Url, "--ldap-tls", "none", "--ldap-bind-dn", BindDnTemplate);
        Assert.Contains("Queued as", await SendAsync($"dan@{tenant}", password), StringComparison.Ordinal);
        var otherTenant = NewTenant();
        await UseSourceAsync(otherTenant, "--source", "ldap", "--endpoint", slapd.Url, "--ldap-tls", "none", "--ldap-bind-dn", BindDnTemplate);

        await slapd.StopAsync();

        await AssertTemporaryFailureAndNothingAcceptedAsync($"dan@{otherTenant}", password);
    }

    [Fact]
    public async Task A_suspended_account_stays_suspended_although_the_directory_accepts_its_password()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "ldap", "--endpoint", directories.Slapd.Url, "--ldap-tls", "none", "--ldap-bind-dn", BindDnTemplate);
        var user = $"{directories.SuspendedPerson.Uid}@{tenant}";
        Assert.Contains("Queued as", await SendAsync(user, directories.SuspendedPerson.Password), StringComparison.Ordinal);
        var (code, _, stderr) = await relay.CliAsync("accounts", "suspend", user, "--reason", "phishing seen");
        Assert.True(code == 0, stderr);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(user, directories.SuspendedPerson.Password));

        Assert.Equal(SmtpStatusCode.MailboxUnavailable, refused.StatusCode);
        Assert.Contains("suspended", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_removed_directory_account_is_not_created_again_by_its_next_auth_until_an_admin_adds_it()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "dovecot", "--endpoint", "unix:" + directories.Dovecot.SocketPath);
        var user = $"eve@{tenant}";
        var password = NewPassword();
        await directories.Dovecot.AddUserAsync(user, password);
        Assert.Contains("Queued as", await SendAsync(user, password), StringComparison.Ordinal);
        var removed = await relay.CliAsync("accounts", "remove", user, "--reason", "left the company");
        Assert.True(removed.ExitCode == 0, removed.StdErr);

        // The relay learns of the removal by its state listener; the directory still accepts the password all along.
        var refused = await UntilAsync(async () => !await AuthenticatesAsync(user, password));
        var stillRefused = !await AuthenticatesAsync(user, password);
        var liveAfterRefusal = await QueryAsync<long>("SELECT count(*) FROM accounts WHERE address = @user", new { user });
        var added = await relay.CliAsync("accounts", "add", user);
        Assert.True(added.ExitCode == 0, added.StdErr);
        var back = await UntilAsync(() => AuthenticatesAsync(user, password));

        Assert.True(refused && stillRefused, "a removed directory account authenticated again");
        Assert.Equal(0L, liveAfterRefusal);
        Assert.Equal(1L, await QueryAsync<long>("SELECT count(*) FROM accounts WHERE address LIKE @pattern", new { pattern = user + "#removed-%" }));
        Assert.True(back, "the account an admin added again was refused");
        Assert.Equal(1L, await QueryAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'account.create' AND target = @user AND actor = 'directory'", new { user }));
    }

    private async Task<bool> AuthenticatesAsync(string user, string password)
    {
        try
        {
            await AuthenticateAsync(user, password);
            return true;
        }
        catch (AuthenticationException)
        {
            return false;
        }
    }

    /// <summary>Asks again until <paramref name="condition"/> holds, for at most a minute on a loaded machine; whether it held.</summary>
    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(200);
        }

        return true;
    }

    [Fact]
    public async Task The_cli_sets_and_shows_the_source_audits_the_change_never_shows_the_search_password_and_names_a_missing_setting()
    {
        var tenant = NewTenant();
        await UseSourceAsync(tenant, "--source", "ldap", "--endpoint", "ldap://ldap.example:389", "--ldap-search-base", "dc=example",
            "--ldap-search-bind-dn", "cn=reader,dc=example", "--ldap-search-bind-password-stdin");
        var (code, stdout, _) = await relay.CliAsync("tenants", "auth-source", tenant, "--json");
        var missing = await relay.CliAsync("tenants", "auth-source", tenant, "--source", "ldap", "--endpoint", "ldap://ldap.example");
        var badKind = await relay.CliAsync("tenants", "auth-source", tenant, "--source", "kerberos");

        Assert.Equal(0, code);
        using var shown = JsonDocument.Parse(stdout);
        Assert.Equal("ldap", shown.RootElement.GetProperty("kind").GetString());
        Assert.True(shown.RootElement.GetProperty("ldapSearchBindPasswordSet").GetBoolean());
        Assert.DoesNotContain(SearchPassword, stdout, StringComparison.Ordinal);
        var audit = await QueryAsync<string>("SELECT details::text FROM audit_log WHERE action = 'tenant.auth_source' AND target = @tenant", new { tenant });
        Assert.Contains("cn=reader,dc=example", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(SearchPassword, audit, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("bind DN template", missing.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, badKind.ExitCode);
        Assert.Contains("'kerberos' is not one of local, dovecot, ldap", badKind.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_sets_the_source_with_an_audit_entry_and_refuses_an_incomplete_one_naming_the_setting()
    {
        var tenant = NewTenant();
        Assert.Equal(0, (await relay.CliAsync("tenants", "add", tenant)).ExitCode);
        using var http = await AdminHttpAsync();

        using var set = await http.PutAsJsonAsync($"/api/tenants/{tenant}/auth-source", new { source = "dovecot", endpoint = "unix:/run/dovecot/auth-client", establishedSince = "2015-03-01T00:00:00Z" });
        using var incomplete = await http.PutAsJsonAsync($"/api/tenants/{tenant}/auth-source", new { source = "ldap", endpoint = "ldap://ldap.example" });
        var shown = await http.GetStringAsync($"/api/tenants/{tenant}/auth-source");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.Contains("bind DN template", await incomplete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(shown);
        Assert.Equal(("dovecot", "unix:/run/dovecot/auth-client"), (json.RootElement.GetProperty("kind").GetString(), json.RootElement.GetProperty("endpoint").GetString()));
        Assert.StartsWith("apikey:", await QueryAsync<string>("SELECT actor FROM audit_log WHERE action = 'tenant.auth_source' AND target = @tenant", new { tenant }), StringComparison.Ordinal);
    }

    private string SearchPassword => directories.Slapd.AdminPassword;

    /// <summary>An HTTP client for the relay's API with a new admin API key.</summary>
    private async Task<HttpClient> AdminHttpAsync()
    {
        var (code, key, stderr) = await relay.CliAsync("apikeys", "create", "dir" + Guid.NewGuid().ToString("N")[..8], "--role", "admin");
        Assert.True(code == 0, stderr);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{relay.HttpPort}") };
        http.DefaultRequestHeaders.Add("X-Api-Key", key.Trim());
        return http;
    }

    /// <summary>
    /// Through <paramref name="tenant"/>'s LDAP source: a wrong password and an unknown user get the same 535 5.7.8, the
    /// right password sends, and the new account takes the long-standing entry's <c>createTimestamp</c>.
    /// </summary>
    private async Task AssertTheOldPersonSignsInAndOthersAreRefusedAsync(string tenant)
    {
        var user = $"{directories.OldPerson.Uid}@{tenant}";

        var wrong = await Assert.ThrowsAsync<AuthenticationException>(() => AuthenticateAsync(user, "not-the-password"));
        var unknown = await Assert.ThrowsAsync<AuthenticationException>(() => AuthenticateAsync($"nobody@{tenant}", directories.OldPerson.Password));
        var reply = await SendAsync(user, directories.OldPerson.Password);

        Assert.Contains("5.7.8", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(wrong.Message, unknown.Message);
        Assert.Contains("Queued as", reply, StringComparison.Ordinal);
        Assert.Equal(DirectoryFixture.OldEntryCreatedAt.UtcDateTime, await QueryAsync<DateTime>("SELECT created_at FROM accounts WHERE address = @user", new { user }));
    }

    private async Task AssertTemporaryFailureAndNothingAcceptedAsync(string user, string password)
    {
        using var client = await ConnectAsync();
        // MailKit reports any refused AUTH as an AuthenticationException; the server's reply is the inner exception.
        var refused = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(user, password));
        var notAccepted = await Assert.ThrowsAsync<ServiceNotAuthenticatedException>(() => client.SendAsync(Message(user)));

        var failure = Assert.IsType<SmtpCommandException>(refused.InnerException);
        Assert.Equal(454, (int)failure.StatusCode);
        Assert.Equal("4.7.0 Temporary authentication failure", failure.Message);
        Assert.StartsWith("5.7.0", notAccepted.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await QueryAsync<long>("SELECT count(*) FROM accounts WHERE address = @user", new { user }));
    }

    private async Task UseSourceAsync(string tenant, params string[] arguments)
    {
        var added = await relay.CliAsync("tenants", "add", tenant);
        Assert.True(added.ExitCode == 0, added.StdErr);
        var stdin = arguments.Contains("--ldap-search-bind-password-stdin") ? SearchPassword + "\n" : null;
        var (code, stdout, stderr) = await RelayProcess.RunAsync(["tenants", "auth-source", tenant, .. arguments, "--data", relay.DataDirectory], stdin);
        Assert.True(code == 0, $"tenants auth-source failed ({code}): {stdout} {stderr}");
    }

    private async Task<SmtpClient> ConnectAsync()
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 60_000 };
        await client.ConnectAsync("127.0.0.1", relay.SmtpPort, SecureSocketOptions.StartTls);
        return client;
    }

    private async Task AuthenticateAsync(string user, string password)
    {
        using var client = await ConnectAsync();
        await client.AuthenticateAsync(user, password);
    }

    private async Task<string> SendAsync(string user, string password)
    {
        using var client = await ConnectAsync();
        await client.AuthenticateAsync(user, password);
        var reply = await client.SendAsync(Message(user));
        await client.DisconnectAsync(true);
        return reply;
    }

    private static MimeMessage Message(string from)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("colleague@example.org"));
        message.Subject = "Minutes " + Guid.NewGuid().ToString("N")[..8];
        message.Body = new TextPart("plain") { Text = "Hello,\r\n\r\nthe minutes of today's meeting are attached.\r\n" };
        return message;
    }

    private async Task<T> QueryAsync<T>(string sql, object parameters)
    {
        await using var database = await Database.OpenAsync(new StorageOptions { DataDirectory = relay.DataDirectory }, NullLogger.Instance, migrate: false, CancellationToken.None);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }
}
