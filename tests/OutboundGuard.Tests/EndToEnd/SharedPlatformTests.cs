using System.Net;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>
/// Shared platforms (Microsoft 365, Google Workspace) send every customer's mail from the same addresses: on a
/// shared-platform connector range the tenant is confirmed by the platform tenant identifier it registered, and the
/// envelope domain alone never selects one. Behind a connector, <c>Relay:ConnectorAccountHeader</c> (X-AuthUser in
/// <see cref="RelayFixture"/>) names the account. Real MailKit clients over sockets from 127.0.6.x and 127.0.7.x.
/// </summary>
public sealed class SharedPlatformTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private const string TenantIdHeader = "X-MS-Exchange-CrossTenant-Id";

    private static readonly string[] Words =
    [
        "invoice", "delivery", "meeting", "tuesday", "warehouse", "pallet", "quote", "roof", "garden", "contract", "renewal", "schedule",
        "kitchen", "samples", "printer", "catalogue", "payment", "reminder", "workshop", "insurance", "tiles", "parcel", "courier", "budget",
        "agenda", "minutes", "plumbing", "spare", "parts", "website", "booking", "dinner", "training", "holiday", "rota", "ledger",
    ];

    private async Task<string> AddTenantAsync(string prefix, params string[] options)
    {
        var tenant = $"{prefix}{Guid.NewGuid():N}"[..12] + ".example";
        var (code, stdout, stderr) = await relay.CliAsync(["tenants", "add", tenant, .. options]);
        Assert.True(code == 0, stdout + stderr);
        return tenant;
    }

    private async Task<SmtpClient> ConnectFromAsync(string address)
    {
        var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, _, _, _) => true,
            LocalEndPoint = new IPEndPoint(IPAddress.Parse(address), 0),
        };
        await client.ConnectAsync("127.0.0.1", relay.SmtpPort, SecureSocketOptions.StartTls);
        return client;
    }

    private static MimeMessage Message(string from, string subject, params (string Name, string Value)[] headers)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("customer@example.org"));
        message.Subject = subject;
        foreach (var (name, value) in headers)
        {
            message.Headers.Add(name, value);
        }

        // Each message its own text, as a business's real mail is: the same body from many new accounts is a campaign.
        var words = Guid.NewGuid().ToByteArray().Select(b => Words[b % Words.Length]);
        message.Body = new TextPart("plain") { Text = $"Hello,\r\n\r\n{string.Join(' ', words)}.\r\n\r\nKind regards\r\n" };
        return message;
    }

    /// <summary>The tenant of an account, as <c>accounts show --json</c> gives it.</summary>
    private async Task<string?> TenantOfAsync(string address)
    {
        var show = await relay.CliAsync("accounts", "show", address, "--json");
        Assert.True(show.ExitCode == 0, show.StdOut + show.StdErr);
        using var json = JsonDocument.Parse(show.StdOut);
        return json.RootElement.GetProperty("tenant").GetString();
    }

    private static string Subject() => "Order " + Guid.NewGuid().ToString("N")[..10];

    private async Task AcceptedAsync(string client, MimeMessage message)
    {
        using (var smtp = await ConnectFromAsync(client))
        {
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }

        Assert.NotNull(await relay.Sink.WaitForMessageContainingAsync(message.Subject!, TimeSpan.FromSeconds(30)));
    }

    private async Task<SmtpCommandException> RefusedAsync(string client, MimeMessage message)
    {
        using var smtp = await ConnectFromAsync(client);
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(message));
        Assert.Equal(550, (int)error.StatusCode);
        return error;
    }

    [Fact]
    public async Task Tenants_on_overlapping_shared_ranges_send_as_their_own_domains_and_are_refused_as_each_other()
    {
        const string client = "127.0.6.9";
        var idA = Guid.NewGuid().ToString();
        var idB = Guid.NewGuid().ToString();
        var a = await AddTenantAsync("plata", "--platform-ip", "127.0.6.0/24", "--platform-id", $"{TenantIdHeader}={idA}");
        var b = await AddTenantAsync("platb", "--platform-ip", "127.0.6.0/25", "--platform-id", $"{TenantIdHeader}={idB}");

        await AcceptedAsync(client, Message("sales@" + a, Subject(), (TenantIdHeader, idA)));
        await AcceptedAsync(client, Message("sales@" + b, Subject(), (TenantIdHeader, idB.ToUpperInvariant())));

        var aAsB = await RefusedAsync(client, Message("ceo@" + b, Subject(), (TenantIdHeader, idA)));
        Assert.Equal(SmtpErrorCode.MessageNotAccepted, aAsB.ErrorCode);
        Assert.Contains("not confirmed as a customer", aAsB.Message, StringComparison.Ordinal);
        var bAsA = await RefusedAsync(client, Message("ceo@" + a, Subject(), (TenantIdHeader, idB)));
        Assert.Equal(SmtpErrorCode.MessageNotAccepted, bAsA.ErrorCode);

        // The envelope domain alone, or a second identifier put in before the platform's own, confirms nothing.
        Assert.Equal(SmtpErrorCode.MessageNotAccepted, (await RefusedAsync(client, Message("ceo@" + a, Subject()))).ErrorCode);
        Assert.Equal(SmtpErrorCode.MessageNotAccepted, (await RefusedAsync(client, Message("ceo@" + a, Subject(), (TenantIdHeader, idB), (TenantIdHeader, idA)))).ErrorCode);

        // Refused senders never became accounts.
        Assert.Equal(1, (await relay.CliAsync("accounts", "show", "ceo@" + a)).ExitCode);
        Assert.Equal(1, (await relay.CliAsync("accounts", "show", "ceo@" + b)).ExitCode);
        Assert.Equal(b, await TenantOfAsync("sales@" + b));
    }

    [Fact]
    public async Task A_third_customer_of_the_same_platform_is_refused_as_either_tenant()
    {
        const string client = "127.0.6.140";
        var idA = Guid.NewGuid().ToString();
        var idB = Guid.NewGuid().ToString();
        var idC = Guid.NewGuid().ToString();
        var a = await AddTenantAsync("thira", "--platform-ip", "127.0.6.128/25", "--platform-id", $"{TenantIdHeader}={idA}");
        var b = await AddTenantAsync("thirb", "--platform-ip", "127.0.6.0/24", "--platform-id", $"{TenantIdHeader}={idB}");

        foreach (var victim in new[] { a, b })
        {
            var error = await RefusedAsync(client, Message("payroll@" + victim, Subject(), (TenantIdHeader, idC)));
            Assert.Equal(SmtpErrorCode.MessageNotAccepted, error.ErrorCode);
        }

        var own = await RefusedAsync(client, Message("news@third-customer.example", Subject(), (TenantIdHeader, idC)));
        Assert.Equal(SmtpErrorCode.SenderNotAccepted, own.ErrorCode);
        Assert.Contains("not a verified domain of a tenant on this connector", own.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shared_range_without_a_registered_identifier_relays_nothing_and_a_further_domain_is_verified()
    {
        var unconfirmed = await AddTenantAsync("noid", "--platform-ip", "127.0.6.200/32");
        var error = await RefusedAsync("127.0.6.200", Message("info@" + unconfirmed, Subject()));
        Assert.Equal(SmtpErrorCode.SenderNotAccepted, error.ErrorCode);
        Assert.Contains("no platform tenant identifier", error.Message, StringComparison.Ordinal);

        var id = Guid.NewGuid().ToString();
        var brand = $"brand{Guid.NewGuid():N}"[..12] + ".example";
        var tenant = await AddTenantAsync("multi", "--platform-ip", "127.0.6.201/32", "--platform-id", $"{TenantIdHeader}={id}", "--domain", brand);
        await AcceptedAsync("127.0.6.201", Message("hello@mail." + brand, Subject(), (TenantIdHeader, id)));
        Assert.Equal(tenant, await TenantOfAsync("hello@mail." + brand));
    }

    [Fact]
    public async Task The_connector_account_header_names_the_account_and_is_stripped_before_relaying()
    {
        const string client = "127.0.7.20";
        var tenant = await AddTenantAsync("hdr", "--connector-ip", $"{client}/32");
        var subject = Subject();

        await AcceptedAsync(client, Message("noreply@" + tenant, subject, ("X-AuthUser", $"Alice <alice@{tenant}>")));

        var relayed = await relay.Sink.WaitForMessageContainingAsync(subject, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("X-AuthUser", relayed!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Subject: " + subject, relayed!, StringComparison.Ordinal);
        Assert.Equal(tenant, await TenantOfAsync("alice@" + tenant));
        Assert.Equal(1, (await relay.CliAsync("accounts", "show", "noreply@" + tenant)).ExitCode);

        var other = await RefusedAsync(client, Message("noreply@" + tenant, Subject(), ("X-AuthUser", "ceo@someone-else.example")));
        Assert.Equal(SmtpErrorCode.MessageNotAccepted, other.ErrorCode);
        Assert.Contains("does not name one address within tenant", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connector_account_header_is_not_trusted_from_an_authenticated_session_and_is_stripped()
    {
        var tenant = await AddTenantAsync("auth");
        var password = await relay.AddAccountAsync("app@" + tenant);
        var subject = Subject();
        using (var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await smtp.ConnectAsync("127.0.0.1", relay.SmtpPort, SecureSocketOptions.StartTls);
            await smtp.AuthenticateAsync("app@" + tenant, password);
            await smtp.SendAsync(Message("app@" + tenant, subject, ("X-AuthUser", "boss@" + tenant)));
            await smtp.DisconnectAsync(true);
        }

        var relayed = await relay.Sink.WaitForMessageContainingAsync(subject, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("X-AuthUser", relayed!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, (await relay.CliAsync("accounts", "show", "boss@" + tenant)).ExitCode);
    }
}
