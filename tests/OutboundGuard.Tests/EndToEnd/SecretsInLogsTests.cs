using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OutboundGuard.Testing.Processes;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>No secret reaches the logs, even with the SMTP transcript on (Debug).</summary>
public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task Auth_passwords_never_appear_in_the_logs_even_at_debug_level()
    {
        var data = Path.Combine(Path.GetTempPath(), "og-secrets-" + Guid.NewGuid().ToString("N")[..10]);
        var port = FreePort.Next();
        await using var relay = RelayProcess.Start(
            ["serve", "--smtp", $"127.0.0.1:{port}", "--http", $"127.0.0.1:{FreePort.Next()}", "--data", data],
            new Dictionary<string, string> { ["Serilog__MinimumLevel__Default"] = "Debug" });
        await relay.WaitForOutputAsync("Stop with Ctrl-C.", TimeSpan.FromSeconds(90));
        const string address = "secretive@tenant.example";
        var password = "S3cret-" + Guid.NewGuid().ToString("N")[..10];
        var added = await RelayProcess.RunAsync(["accounts", "add", address, "--password-stdin", "--data", data], password + "\n");
        Assert.Equal(0, added.ExitCode);

        foreach (var mechanism in new[] { "PLAIN", "LOGIN" })
        {
            using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
            await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.StartTls);
            client.AuthenticationMechanisms.RemoveWhere(m => m != mechanism);
            await client.AuthenticateAsync(address, password);
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(address));
            message.To.Add(MailboxAddress.Parse("someone@example.org"));
            message.Subject = "transcript " + mechanism;
            message.Body = new TextPart("plain") { Text = "hello\r\n" };
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
            using var wrong = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
            await wrong.ConnectAsync("127.0.0.1", port, SecureSocketOptions.StartTls);
            wrong.AuthenticationMechanisms.RemoveWhere(m => m != mechanism);
            await Assert.ThrowsAsync<AuthenticationException>(() => wrong.AuthenticateAsync(address, password + "-wrong"));
        }

        await Task.Delay(500);
        var output = relay.Output;
        Assert.Contains("AUTH", output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), output, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{address}\0{password}")), output, StringComparison.Ordinal);
    }
}
