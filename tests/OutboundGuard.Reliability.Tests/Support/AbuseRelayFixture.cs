using System.Net;
using System.Text;
using OutboundGuard.Testing.Processes;
using OutboundGuard.Testing.Smtp;
using Xunit;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>
/// One real relay for the protocol-abuse tests, relaying to Postfix's smtp-sink, configured with short
/// timeouts, small connection limits and a short AUTH delay so the tests stay quick:
/// tenant.example has the AUTH account alice; connector.example relays from 127.0.0.9 without AUTH.
/// </summary>
public sealed class AbuseRelayFixture : IAsyncLifetime
{
    public const int MaxConnectionsPerIp = 5;
    public const int MaxConnections = 30;
    public const int MaxSessionsPerAccount = 20;
    public const int MaxMessageSize = 1_048_576;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan AuthFailureDelay = TimeSpan.FromMilliseconds(200);

    public RelayHarness Harness { get; private set; } = null!;

    public PostfixSmtpSink Sink { get; private set; } = null!;

    public string AlicePassword { get; private set; } = null!;

    public const string Alice = "alice@tenant.example";

    public async Task InitializeAsync()
    {
        Sink = await PostfixSmtpSink.StartAsync();
        // Scoring stays out of the way: these tests are about the protocol, not about sending behaviour.
        var environment = RelayHarness.PermissiveScoring(RelayHarness.BaseEnvironment());
        foreach (var key in new[] { "InitialTimeout", "MailTimeout", "RcptTimeout", "DataInitiationTimeout", "DataBlockTimeout", "ServerTimeout" })
        {
            environment[$"OUTBOUNDGUARD__SMTP__LIMITS__{key.ToUpperInvariant()}"] = "00:00:03";
        }

        environment["OUTBOUNDGUARD__SMTP__LIMITS__MAXCONNECTIONSPERIP"] = MaxConnectionsPerIp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["OUTBOUNDGUARD__SMTP__LIMITS__MAXCONNECTIONS"] = MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["OUTBOUNDGUARD__SMTP__LIMITS__MAXSESSIONSPERACCOUNT"] = MaxSessionsPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["OUTBOUNDGUARD__SMTP__LIMITS__MAXMESSAGESIZE"] = MaxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["OUTBOUNDGUARD__SMTP__LIMITS__AUTHFAILUREDELAY"] = "00:00:00.200";
        environment["OUTBOUNDGUARD__SMTP__LIMITS__MAXAUTHFAILURES"] = "5";
        environment["OUTBOUNDGUARD__SMTP__LIMITS__MAXAUTHFAILURESPERIP"] = "5";
        environment["OUTBOUNDGUARD__SMTP__LIMITS__AUTHLOCKOUT"] = "00:10:00";
        Harness = await RelayHarness.StartAsync($"127.0.0.1:{Sink.Port}", environment);
        (_, AlicePassword) = await Harness.AddAccountAsync(Alice);
        await Harness.AddConnectorAsync("connector.example", "127.0.0.9/32");
    }

    /// <summary>Connects from <paramref name="from"/> (default 127.0.0.1), reads the 220 and says EHLO.</summary>
    public async Task<RawSmtpClient> SessionAsync(IPAddress? from = null)
    {
        var client = await RawSmtpClient.ConnectFromAsync(from ?? IPAddress.Loopback, Harness.SmtpEndPoint);
        var greeting = await client.ReadReplyAsync();
        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
        var ehlo = await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("250", ehlo, StringComparison.Ordinal);
        return client;
    }

    public static string AuthPlain(string user, string password)
        => "AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    /// <summary>Rows in <c>messages</c> whose envelope or subject mention <paramref name="marker"/>.</summary>
    public Task<long> MessagesMentioningAsync(string marker)
        => Harness.ScalarAsync<long>($"SELECT count(*) FROM messages WHERE envelope_from ILIKE '%{marker}%' OR array_to_string(recipients, ',') ILIKE '%{marker}%' OR coalesce(subject, '') ILIKE '%{marker}%'");

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Sink.DisposeAsync();
    }
}
