using System.Diagnostics;
using System.Globalization;
using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Testing.Processes;
using OutboundGuard.Testing.Smtp;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>
/// A real relay (relaying to Postfix's smtp-sink, scoring out of the way) with the SMTP layer's connection limits at their
/// defaults and the refusal brake shortened so that a flood reaches its longest delay within seconds: a refused session
/// over the 20 free ones a minute waits <see cref="DelayStep"/> more, at most <see cref="MaxDelay"/>.
/// </summary>
public sealed class RefusalFloodFixture : IAsyncLifetime
{
    public static readonly TimeSpan DelayStep = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);
    public const string Tenant = "flood.example";

    public RelayHarness Harness { get; private set; } = null!;

    public PostfixSmtpSink Sink { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Sink = await PostfixSmtpSink.StartAsync();
        var environment = RelayHarness.PermissiveScoring(RelayHarness.BaseEnvironment());
        environment["OUTBOUNDGUARD__RELAY__REFUSALDELAYSTEP"] = DelayStep.ToString("c", CultureInfo.InvariantCulture);
        environment["OUTBOUNDGUARD__RELAY__MAXREFUSALDELAY"] = MaxDelay.ToString("c", CultureInfo.InvariantCulture);
        Harness = await RelayHarness.StartAsync($"127.0.0.1:{Sink.Port}", environment);
    }

    /// <summary>A new account of <see cref="Tenant"/>: (address, password).</summary>
    public Task<(string Address, string Password)> AccountAsync(string prefix)
        => Harness.AddAccountAsync($"{prefix}{Guid.NewGuid():N}"[..16] + "@" + Tenant);

    /// <summary>Sets the account's state as another node would (written and announced); the relay follows at once.</summary>
    public async Task SetStateAsync(string address, AccountState state, DateTimeOffset? throttledUntil = null)
    {
        var accounts = new AccountRepository(Harness.DataSource);
        var account = (await accounts.FindAsync(address))!;
        await accounts.ChangeStateAsync(new AccountStateChangeRequest(account.Id, state, "refusal flood test", "ops@example") { ThrottledUntil = throttledUntil });
    }

    /// <summary>
    /// One refused attempt as a flooding client makes it, from <paramref name="from"/>: connect, EHLO, AUTH, MAIL FROM,
    /// QUIT. Returns the greeting's or MAIL FROM's reply and how long the reply to MAIL FROM took (zero when refused at connect).
    /// </summary>
    public async Task<(string Reply, TimeSpan MailFromWait)> AttemptAsync(IPAddress from, string user, string password)
    {
        await using var client = await RawSmtpClient.ConnectFromAsync(from, Harness.SmtpEndPoint);
        var greeting = await client.ReadReplyAsync();
        if (!greeting.StartsWith("220 ", StringComparison.Ordinal))
        {
            return (greeting, TimeSpan.Zero);
        }

        Assert.StartsWith("250", await client.CommandAsync("EHLO flood.test"), StringComparison.Ordinal);
        Assert.StartsWith("235", await client.CommandAsync(AbuseRelayFixture.AuthPlain(user, password)), StringComparison.Ordinal);
        var started = Stopwatch.GetTimestamp();
        var reply = await client.CommandAsync($"MAIL FROM:<{user}>");
        var waited = Stopwatch.GetElapsedTime(started);
        await client.SendAsync("QUIT\r\n");
        return (reply, waited);
    }

    /// <summary>
    /// One message as an honest MTA sends it with MailKit from <paramref name="from"/>: a new connection, AUTH, the message,
    /// QUIT. Returns the reply to the end of data and how long the whole session took.
    /// </summary>
    public async Task<(string Reply, TimeSpan Took)> SendAsync(IPAddress from, string user, string password)
    {
        var started = Stopwatch.GetTimestamp();
        using var client = new SmtpClient { LocalEndPoint = new IPEndPoint(from, 0), Timeout = 60_000 };
        await client.ConnectAsync(Harness.SmtpEndPoint.Address.ToString(), Harness.SmtpPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(user));
        message.To.Add(MailboxAddress.Parse("someone@recipient.example"));
        message.Subject = "Invoice " + Guid.NewGuid().ToString("N")[..8];
        message.Body = new TextPart("plain") { Text = "Hello,\r\n\r\nplease find the figures for this month below.\r\n\r\nRegards\r\n" };
        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
        return (reply, Stopwatch.GetElapsedTime(started));
    }

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Sink.DisposeAsync();
    }
}
