using System.Net;
using System.Text.Json;
using Dapper;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using OutboundGuard.Replay.Replaying;
using OutboundGuard.Hosting;
using OutboundGuard.Testing.Processes;
using OutboundGuard.Tests.EndToEnd;
using OutboundGuard.Tests.MultiNode;
using Xunit;

namespace OutboundGuard.Tests.Signals;

/// <summary>
/// A relay for the login and invalid-recipient signals: the replay clock on (a message's
/// <c>X-OutboundGuard-Replay-Time</c> moves the relay's time forward, so an hour of traffic or a day between two logins
/// takes seconds), delivering to a Postfix smarthost that refuses <c>gone.*</c> recipients with 550 5.1.1 and passes the
/// rest on to the smtp-sink.
/// </summary>
public sealed class SignalsFixture : RelayFixture
{
    private PostfixSmarthost? _smarthost;
    private DateTimeOffset _nextStart = DateTimeOffset.UtcNow.AddMinutes(1);

    /// <summary>
    /// A stretch of relay time of <paramref name="length"/> for one test, after every stretch handed out before: the
    /// replay clock only moves forward, so each test's stamps must lie ahead of where the others left it.
    /// </summary>
    public DateTimeOffset ReserveTime(TimeSpan length)
    {
        lock (this)
        {
            var start = _nextStart > DateTimeOffset.UtcNow ? _nextStart : DateTimeOffset.UtcNow.AddMinutes(1);
            _nextStart = start + length + TimeSpan.FromHours(2);
            return start;
        }
    }

    protected override void Configure(Dictionary<string, string> environment)
        => environment["OutboundGuard__Testing__ReplayClock"] = "true";

    protected override async Task<int> StartSmarthostAsync()
    {
        _smarthost = await PostfixSmarthost.StartAsync(Sink.Port);
        return _smarthost.Port;
    }

    protected override async ValueTask StopSmarthostAsync()
    {
        if (_smarthost is not null)
        {
            await _smarthost.DisposeAsync();
        }
    }

    /// <summary>
    /// Moves the relay's clock to <paramref name="at"/> with a message of an account of its own, so that what a test does
    /// next (an AUTH, which carries no time) happens then.
    /// </summary>
    public async Task MoveClockAsync(DateTimeOffset at)
    {
        var address = $"clock{Guid.NewGuid():N}"[..13] + "@clock.example";
        var password = await AddAccountAsync(address);
        using var client = await ConnectAsync("127.0.99.1", address, password);
        Assert.Equal(250, await SendAsync(client, Message(address, ["time@example.org"], "Clock", at)));
        await client.DisconnectAsync(true);
    }

    /// <summary>An account created two years ago (full limits, no trust ramp); returns its password.</summary>
    public async Task<string> AddEstablishedAccountAsync(string address)
    {
        var password = await AddAccountAsync(address);
        var (code, stdout, stderr) = await RelayProcess.RunAsync(["accounts", "import", "-", "--format", "jsonl", "--data", DataDirectory],
            $"{{\"address\":\"{address}\",\"created_at\":\"{DateTime.UtcNow.AddYears(-2):yyyy-MM-dd}\"}}\n");
        Assert.True(code == 0, $"accounts import failed ({code}): {stdout} {stderr}");
        return password;
    }

    /// <summary>A client connected from <paramref name="from"/> (a loopback address), after STARTTLS, authenticated when a password is given.</summary>
    public async Task<SmtpClient> ConnectAsync(string from, string? user = null, string? password = null)
    {
        var client = new SmtpClient
        {
            ServerCertificateValidationCallback = (_, _, _, _) => true,
            LocalEndPoint = new IPEndPoint(IPAddress.Parse(from), 0),
            Timeout = 60_000,
        };
        await client.ConnectAsync("127.0.0.1", SmtpPort, SecureSocketOptions.StartTls);
        if (user is not null)
        {
            await client.AuthenticateAsync(user, password!);
        }

        return client;
    }

    /// <summary>A plain message stamped with the relay time it is sent at.</summary>
    public static MimeMessage Message(string from, IEnumerable<string> to, string subject, DateTimeOffset at)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.AddRange(to.Select(MailboxAddress.Parse));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = $"Hello,\r\n\r\n{subject}: the details are below.\r\n\r\nRegards\r\n" };
        message.Headers.Replace(ReplayTimeHeader.Name, ReplayTimeHeader.Format(at));
        return message;
    }

    /// <summary>Sends a message and returns the reply code: 250, or the refusal's code.</summary>
    public static Task<int> SendAsync(SmtpClient client, MimeMessage message) => ClusterSmtp.SendAsync(client, message);

    /// <summary>The evidence texts of the account's stored verdicts with findings, newest first.</summary>
    public async Task<IReadOnlyList<string>> EvidenceAsync(string address)
    {
        var (code, stdout, stderr) = await CliAsync("accounts", "show", address, "--json", "--verdicts", "200");
        Assert.True(code == 0, stdout + stderr);
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("verdicts").EnumerateArray()
            .SelectMany(v => v.GetProperty("evidence").EnumerateArray()).Select(e => e.GetProperty("text").GetString()!).ToList();
    }

    /// <summary>The account's state as the CLI shows it.</summary>
    public async Task<string> StateAsync(string address)
    {
        var (code, stdout, stderr) = await CliAsync("accounts", "show", address, "--json");
        Assert.True(code == 0, stdout + stderr);
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("state").GetString()!;
    }

    /// <summary>Waits until the smarthost's refusals of the account's recipients are recorded (delivery_attempts), at least <paramref name="count"/>.</summary>
    public async Task WaitForRefusalsAsync(string address, int count, TimeSpan timeout)
    {
        await using var database = await Database.OpenAsync(new StorageOptions { DataDirectory = DataDirectory }, NullLogger.Instance, migrate: false, CancellationToken.None);
        var deadline = DateTime.UtcNow + timeout;
        long refused = 0;
        while (DateTime.UtcNow < deadline)
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            refused = await connection.QuerySingleAsync<long>(
                "SELECT count(*) FROM delivery_attempts d JOIN accounts a ON a.id = d.account_id WHERE a.address = @address AND d.outcome = 'rejected' AND d.reply_code = 550",
                new { address });
            if (refused >= count)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"only {refused} of {count} refusals recorded for {address} within {timeout}");
    }
}
