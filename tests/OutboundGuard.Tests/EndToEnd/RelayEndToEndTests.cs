using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>The walking skeleton over real sockets: MailKit in, real PostgreSQL, Postfix smtp-sink out.</summary>
public sealed class RelayEndToEndTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    private async Task<SmtpClient> ConnectAsync(string? user = null, string? password = null)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", relay.SmtpPort, SecureSocketOptions.StartTls);
        if (user is not null)
        {
            await client.AuthenticateAsync(user, password!);
        }

        return client;
    }

    private static MimeMessage Message(string from, string to, string subject, string body = "Hello,\r\n\r\nthe minutes of today's meeting are attached.\r\n")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    [Fact]
    public async Task An_authenticated_message_is_relayed_to_a_real_smtp_sink()
    {
        var address = $"alice{Guid.NewGuid():N}"[..13] + "@tenant.example";
        var password = await relay.AddAccountAsync(address);
        var subject = "Quarterly report " + Guid.NewGuid().ToString("N")[..8];

        using (var client = await ConnectAsync(address, password))
        {
            var reply = await client.SendAsync(Message(address, "bob@example.org", subject));
            Assert.Contains("Queued as", reply, StringComparison.Ordinal);
            await client.DisconnectAsync(true);
        }

        Assert.NotNull(await relay.Sink.WaitForMessageContainingAsync(subject, TimeSpan.FromSeconds(30)));
        var (code, stdout, _) = await relay.CliAsync("accounts", "show", address, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("active", json.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_unauthenticated_client_cannot_relay()
    {
        using var client = await ConnectAsync();

        // MailKit reports 530 as "not authenticated"; the reply text carries the enhanced code.
        var error = await Assert.ThrowsAsync<ServiceNotAuthenticatedException>(() => client.SendAsync(Message("mallory@tenant.example", "victim@example.org", "open relay?")));

        Assert.StartsWith("5.7.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_are_refused_with_535()
    {
        var address = $"carol{Guid.NewGuid():N}"[..13] + "@tenant.example";
        await relay.AddAccountAsync(address);
        using var client = await ConnectAsync();

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(address, "not-the-password"));

        Assert.Contains("535", error.Message + (error.InnerException?.Message ?? ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_over_its_rate_limit_is_throttled_and_stays_throttled_while_it_pushes_and_the_evidence_is_stored()
    {
        var address = $"hijack{Guid.NewGuid():N}"[..14] + "@tenant.example";
        var password = await relay.AddAccountAsync(address);
        var replies = new List<int>();
        using (var client = await ConnectAsync(address, password))
        {
            for (var i = 0; i < 120; i++)
            {
                try
                {
                    // Ordinary content: only the sending rate gives this account away.
                    await client.SendAsync(Message(address, $"colleague{i}@partner{i % 40}.example", $"Meeting notes {i}"));
                    replies.Add(250);
                }
                catch (SmtpCommandException e)
                {
                    replies.Add((int)e.StatusCode);
                }
            }

            await client.DisconnectAsync(true);
        }

        // Pace alone throttles (451: the sender keeps its mail) and never suspends: a customer's MTA pushing its queue
        // looks the same. The throttle holds while the account keeps pushing.
        var firstThrottle = replies.IndexOf(451);
        Assert.True(firstThrottle >= 0, $"never throttled: {string.Join(',', replies)}");
        Assert.True(replies.Skip(firstThrottle).All(r => r == 451), $"not held after the throttle: {string.Join(',', replies)}");
        Assert.True(replies.Count(r => r == 250) <= 30, $"too many accepted before containment: {replies.Count(r => r == 250)}");

        var (code, stdout, _) = await relay.CliAsync("accounts", "show", address, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("throttled", json.RootElement.GetProperty("state").GetString());
        var verdicts = json.RootElement.GetProperty("verdicts").EnumerateArray().ToList();
        Assert.Contains(verdicts, v => v.GetProperty("action").GetString() == "Throttle");
        Assert.DoesNotContain(verdicts, v => v.GetProperty("action").GetString() == "Suspend");
        var evidence = verdicts.SelectMany(v => v.GetProperty("evidence").EnumerateArray()).Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains(evidence, t => t.Contains("messages in", StringComparison.Ordinal) || t.Contains("recipients in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_phishing_notification_with_a_look_alike_login_link_is_stopped_within_a_few_messages()
    {
        var address = $"phish{Guid.NewGuid():N}"[..13] + "@tenant.example";
        var password = await relay.AddAccountAsync(address);
        var accepted = 0;
        using var client = await ConnectAsync(address, password);
        for (var i = 0; i < 20; i++)
        {
            try
            {
                var message = Message(address, $"user{i}@example.org", "Unusual sign-in activity on your Microsoft account", "");
                message.Body = new TextPart("html")
                {
                    Text = $"<p>We detected an unusual sign-in. <a href=\"http://micros0ft-login{i % 2}.example/verify\">https://login.microsoftonline.com</a> to verify your account or it will be suspended.</p>",
                };
                await client.SendAsync(message);
                accepted++;
            }
            catch (SmtpCommandException)
            {
                break;
            }
        }

        Assert.True(accepted <= 10, $"{accepted} phishing messages accepted before containment");
    }
}
