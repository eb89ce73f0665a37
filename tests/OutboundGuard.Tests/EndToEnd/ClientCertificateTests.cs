using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>A connector known by its TLS client certificate (pinned by fingerprint), wherever it connects from.</summary>
public sealed class ClientCertificateTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private static X509Certificate2 NewClientCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Re-imported from PKCS#12 so that SslStream on Linux can use the private key.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    private async Task<SmtpClient> ConnectWithAsync(X509Certificate2 certificate)
    {
        var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, _, _, _) => true,
            ClientCertificates = [certificate],
        };
        await client.ConnectAsync("127.0.0.1", relay.SmtpPort, SecureSocketOptions.StartTls);
        return client;
    }

    private static MimeMessage Message(string from, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("customer@example.org"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Order confirmation.\r\n" };
        return message;
    }

    [Fact]
    public async Task A_registered_client_certificate_relays_without_auth_for_its_tenant()
    {
        var tenant = $"cert{Guid.NewGuid():N}"[..12] + ".example";
        using var certificate = NewClientCertificate("mta." + tenant);
        var pem = Path.Combine(Path.GetTempPath(), $"{tenant}.pem");
        await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem());
        var (code, stdout, stderr) = await relay.CliAsync("tenants", "add", tenant, "--client-cert", pem);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains(Convert.ToHexString(SHA256.HashData(certificate.RawData)).ToLowerInvariant(), stdout, StringComparison.Ordinal);
        var subject = "Order " + Guid.NewGuid().ToString("N")[..8];

        using (var client = await ConnectWithAsync(certificate))
        {
            await client.SendAsync(Message("shop@" + tenant, subject));
            await client.DisconnectAsync(true);
        }

        Assert.NotNull(await relay.Sink.WaitForMessageContainingAsync(subject, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task An_unregistered_client_certificate_cannot_relay()
    {
        using var certificate = NewClientCertificate("stranger.example");
        using var client = await ConnectWithAsync(certificate);

        var error = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => client.SendAsync(Message("x@stranger.example", "who am I")));

        Assert.StartsWith("5.7.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_certificate_is_a_clear_error()
    {
        var file = Path.Combine(Path.GetTempPath(), $"not-a-cert-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(file, "hello");

        var (code, _, stderr) = await relay.CliAsync("tenants", "add", "bad-cert.example", "--client-cert", file);

        Assert.Equal(2, code);
        Assert.Contains("holds no PEM certificate", stderr, StringComparison.Ordinal);
    }
}
