using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>
/// A relay that trusts a private certificate authority for its connectors' client certificates
/// (<c>Smtp:ClientCertificateAuthoritiesPath</c>), as a provider issuing its customers' connector certificates would.
/// </summary>
public sealed class PrivateCaRelayFixture : RelayFixture
{
    public CertificateAuthority Authority { get; } = CertificateAuthority.Create("OutboundGuard test connectors CA");

    protected override void Configure(Dictionary<string, string> environment)
    {
        var path = Path.Combine(Path.GetTempPath(), $"og-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, Authority.Certificate.ExportCertificatePem());
        environment["OutboundGuard__Smtp__ClientCertificateAuthoritiesPath"] = path;
    }
}

/// <summary>A self-made certificate authority that issues client certificates.</summary>
public sealed class CertificateAuthority : IDisposable
{
    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    public static CertificateAuthority Create(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return new CertificateAuthority(X509CertificateLoader.LoadPkcs12(self.Export(X509ContentType.Pfx), null));
    }

    /// <summary>A client-authentication certificate for <paramref name="name"/>, signed by this authority.</summary>
    public X509Certificate2 Issue(string name) => Sign(Certificate, name);

    /// <summary>A client-authentication certificate for <paramref name="name"/>, signed by <paramref name="issuer"/>.</summary>
    public static X509Certificate2 Sign(X509Certificate2 issuer, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Re-imported from PKCS#12 so that SslStream on Linux can use the private key.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    public void Dispose() => Certificate.Dispose();
}

/// <summary>
/// On a shared-platform range the client address proves nothing; a client certificate whose chain validates and whose
/// subject name a tenant registered (<c>--cert-name</c>) selects that tenant, whose verified domains alone it may then
/// send as. A certificate with the same name from an authority the relay does not trust selects nobody. Real MailKit
/// clients with client certificates over sockets from 127.0.8.x.
/// </summary>
public sealed class CertificateNameTests(PrivateCaRelayFixture relay) : IClassFixture<PrivateCaRelayFixture>
{
    private static string NewDomain(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..12] + ".example";

    private async Task AddTenantAsync(string tenant, params string[] options)
    {
        var (code, stdout, stderr) = await relay.CliAsync(["tenants", "add", tenant, .. options]);
        Assert.True(code == 0, stdout + stderr);
    }

    private static MimeMessage Message(string from)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("buyer@example.org"));
        message.Subject = "Dispatch note " + Guid.NewGuid().ToString("N")[..10];
        message.Body = new TextPart("plain") { Text = $"Hello,\r\n\r\nyour order {Guid.NewGuid():N} left our warehouse today.\r\n\r\nKind regards\r\n" };
        return message;
    }

    private async Task<SmtpClient> ConnectAsync(string from, X509Certificate2? certificate)
    {
        var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, _, _, _) => true,
            LocalEndPoint = new IPEndPoint(IPAddress.Parse(from), 0),
        };
        if (certificate is not null)
        {
            client.ClientCertificates = [certificate];
        }

        await client.ConnectAsync("127.0.0.1", relay.SmtpPort, SecureSocketOptions.StartTls);
        return client;
    }

    private async Task AcceptedAsync(string from, X509Certificate2 certificate, MimeMessage message)
    {
        using (var client = await ConnectAsync(from, certificate))
        {
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        Assert.NotNull(await relay.Sink.WaitForMessageContainingAsync(message.Subject!, TimeSpan.FromSeconds(30)));
    }

    private async Task<SmtpCommandException> RefusedAsync(string from, X509Certificate2? certificate, MimeMessage message)
    {
        using var client = await ConnectAsync(from, certificate);
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        Assert.Equal(550, (int)error.StatusCode);
        return error;
    }

    [Fact]
    public async Task A_validated_certificate_name_selects_its_tenant_on_overlapping_shared_ranges()
    {
        const string client = "127.0.8.10";
        var a = NewDomain("certa");
        var b = NewDomain("certb");
        await AddTenantAsync(a, "--platform-ip", "127.0.8.0/24", "--cert-name", "mta." + a);
        await AddTenantAsync(b, "--platform-ip", "127.0.8.0/25", "--cert-name", "mta." + b);
        using var certificateA = relay.Authority.Issue("mta." + a);
        using var certificateB = relay.Authority.Issue("mta." + b);

        await AcceptedAsync(client, certificateA, Message("sales@" + a));
        await AcceptedAsync(client, certificateB, Message("sales@" + b));
        await RefusedAsync(client, certificateA, Message("ceo@" + b));
        await RefusedAsync(client, certificateB, Message("ceo@" + a));

        // Without a certificate the shared address and the envelope domain select nobody.
        await RefusedAsync(client, null, Message("sales@" + a));
    }

    [Fact]
    public async Task The_same_name_from_an_authority_the_relay_does_not_trust_selects_nobody()
    {
        const string client = "127.0.8.20";
        var tenant = NewDomain("certc");
        await AddTenantAsync(tenant, "--platform-ip", "127.0.8.16/28", "--cert-name", "mta." + tenant);
        using var stranger = CertificateAuthority.Create("OutboundGuard test connectors CA");
        using var forged = stranger.Issue("mta." + tenant);

        var message = Message("sales@" + tenant);
        await RefusedAsync(client, forged, message);

        // The trusted authority's certificate for a name nobody registered selects nobody either.
        using var unregistered = relay.Authority.Issue("mta.unregistered-" + tenant);
        await RefusedAsync(client, unregistered, Message("sales@" + tenant));

        // Nothing refused reached the smarthost.
        Assert.Null(await relay.Sink.WaitForMessageContainingAsync(message.Subject!, TimeSpan.FromSeconds(2)));
    }
}
