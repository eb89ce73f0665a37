using System.Text.RegularExpressions;
using Dapper;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

/// <summary>The delivery client's SMTP towards the smarthost: TLS, AUTH, the extensions it uses, and the replies it reads.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SmarthostSessionTests(PostgresFixture postgres)
{
    private const string From = "alice@tenant.test";
    private const string To = "bob@example.org";

    [Fact]
    public async Task StartTls_upgrades_the_connection_before_MAIL_FROM_and_says_EHLO_again()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["STARTTLS", "8BITMIME", "ENHANCEDSTATUSCODES"] };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.StartTls);

        await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "starttls"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var session = Assert.Single(server.Sessions);
        Assert.Equal(["EHLO", "STARTTLS"], Verbs(session.Commands).Take(2));
        var underTls = Verbs(session.CommandsUnderTls);
        Assert.Equal("EHLO", underTls[0]);
        Assert.Equal(Verbs(session.Commands).Skip(2), underTls);
        Assert.Contains("MAIL", underTls);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task StartTls_required_but_not_offered_sends_nothing_past_EHLO_and_defers_the_message()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["8BITMIME", "ENHANCEDSTATUSCODES"] };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.StartTls);

        var id = await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "no starttls"));

        var row = await FirstAttemptAsync(harness);
        Assert.Equal("deferred", row.State);
        Assert.Empty(row.Failed);
        Assert.Single(await harness.RowsAsync());
        var attempt = Assert.Single(await harness.AttemptsAsync(id));
        Assert.Equal(DeliveryAttempt.Deferred, attempt.Outcome);
        Assert.StartsWith("connecting: ", attempt.Text, StringComparison.Ordinal);
        Assert.All(Verbs(Assert.Single(server.Sessions).Commands), verb => Assert.Contains(verb, new[] { "EHLO", "QUIT" }));
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Implicit_TLS_delivers_over_TLS_from_the_first_byte()
    {
        await using var server = new ScriptedSmtpServer { ImplicitTls = true };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.Implicit);

        await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "smtps"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var session = Assert.Single(server.Sessions);
        Assert.Equal("EHLO", Verbs(session.Commands)[0]);
        Assert.Equal(session.Commands, session.CommandsUnderTls);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task StartTls_when_available_delivers_in_clear_to_a_server_without_STARTTLS()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.StartTlsWhenAvailable);

        await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "clear"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var session = Assert.Single(server.Sessions);
        Assert.DoesNotContain("STARTTLS", Verbs(session.Commands));
        Assert.Empty(session.CommandsUnderTls);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task AUTH_PLAIN_is_used_under_TLS_when_offered()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["STARTTLS", "AUTH PLAIN LOGIN", "8BITMIME"], Username = "relay", Password = "s3cret" };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.StartTls, login: ("relay", "s3cret"));

        await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "plain"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var session = Assert.Single(server.Sessions);
        Assert.Equal(("PLAIN", true, true), (session.AuthMechanism, session.AuthUnderTls, session.Authenticated));
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task AUTH_LOGIN_is_used_when_it_is_the_only_mechanism_offered()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["STARTTLS", "AUTH LOGIN", "8BITMIME"], Username = "relay", Password = "s3cret" };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.StartTls, login: ("relay", "s3cret"));

        await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "login"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var session = Assert.Single(server.Sessions);
        Assert.Equal(("LOGIN", true, true), (session.AuthMechanism, session.AuthUnderTls, session.Authenticated));
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task A_refused_login_defers_the_message_and_sends_no_MAIL_FROM()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["STARTTLS", "AUTH PLAIN LOGIN", "8BITMIME"], Username = "relay", Password = "s3cret" };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.StartTls, login: ("relay", "wrong"));

        var id = await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "wrong password"));

        var row = await FirstAttemptAsync(harness);
        Assert.Equal("deferred", row.State);
        Assert.Single(await harness.RowsAsync());
        Assert.Equal(DeliveryAttempt.Deferred, Assert.Single(await harness.AttemptsAsync(id)).Outcome);
        var session = Assert.Single(server.Sessions);
        Assert.False(session.Authenticated);
        Assert.DoesNotContain("MAIL", Verbs(session.Commands));
    }

    [Fact]
    public async Task DSN_parameters_are_passed_on_to_a_smarthost_that_offers_DSN()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["DSN", "8BITMIME", "ENHANCEDSTATUSCODES"] };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = Smarthost(server, SmtpTlsMode.None));

        await SpoolWithDsnAsync(harness);
        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var commands = Assert.Single(server.Sessions).Commands;
        var mail = Parameters(commands.Single(c => Verb(c) == "MAIL"));
        Assert.Equal(("HDRS", "QUEUE.42-abc"), (mail.GetValueOrDefault("RET"), mail.GetValueOrDefault("ENVID")));
        var notify = Parameters(commands.Single(c => Verb(c) == "RCPT" && Path(c) == To)).GetValueOrDefault("NOTIFY") ?? "";
        Assert.Equal(["FAILURE", "SUCCESS"], notify.Split(',').Order());
    }

    [Fact]
    public async Task NOTIFY_NEVER_is_passed_on_to_a_smarthost_that_offers_DSN()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["DSN", "8BITMIME", "ENHANCEDSTATUSCODES"] };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = Smarthost(server, SmtpTlsMode.None));

        await SpoolWithDsnAsync(harness);
        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var rcpt = Assert.Single(server.Sessions).Commands.Single(c => Verb(c) == "RCPT" && Path(c) == "carol@example.org");
        Assert.Equal("NEVER", Parameters(rcpt).GetValueOrDefault("NOTIFY"));
    }

    [Fact]
    public async Task DSN_parameters_are_left_out_for_a_smarthost_without_DSN()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = Smarthost(server, SmtpTlsMode.None));

        await SpoolWithDsnAsync(harness);
        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var commands = Assert.Single(server.Sessions).Commands;
        Assert.DoesNotContain(Parameters(commands.Single(c => Verb(c) == "MAIL")).Keys, key => key is "RET" or "ENVID");
        Assert.All(commands.Where(c => Verb(c) == "RCPT"), c => Assert.DoesNotContain(Parameters(c).Keys, key => key is "NOTIFY" or "ORCPT"));
    }

    [Fact]
    public async Task BODY_8BITMIME_is_declared_for_8bit_content_only()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["8BITMIME", "ENHANCEDSTATUSCODES"] };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.None);

        await harness.SpoolAsync("eight@tenant.test", [To], TestMessages.Simple("eight@tenant.test", To, "8bit", "Grüße aus Zürich.\r\n"));
        await harness.SpoolAsync("seven@tenant.test", [To], TestMessages.Simple("seven@tenant.test", To, "7bit", "Plain ASCII.\r\n"));

        await harness.WaitUntilAsync(rows => rows.Count == 2 && rows.All(r => r.State == "delivered"), what: "both deliveries");
        var mails = server.Sessions.SelectMany(s => s.Commands).Where(c => Verb(c) == "MAIL").ToDictionary(Path, Parameters);
        Assert.Equal("8BITMIME", mails["eight@tenant.test"].GetValueOrDefault("BODY"));
        Assert.NotEqual("8BITMIME", mails["seven@tenant.test"].GetValueOrDefault("BODY"));
    }

    [Fact]
    public async Task An_internationalized_address_goes_out_as_UTF_8_with_SMTPUTF8()
    {
        await using var server = new ScriptedSmtpServer { Capabilities = ["SMTPUTF8", "8BITMIME", "ENHANCEDSTATUSCODES"] };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.None);

        await harness.SpoolAsync("zoë@tenant.test", ["jörg@example.org"], TestMessages.Simple("zoë@tenant.test", "jörg@example.org", "utf8"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var commands = Assert.Single(server.Sessions).Commands;
        Assert.Contains("SMTPUTF8", Parameters(commands.Single(c => Verb(c) == "MAIL")).Keys);
        var received = Assert.Single(server.Received);
        Assert.Equal("zoë@tenant.test", received.MailFrom);
        Assert.Equal(["jörg@example.org"], received.Recipients);
    }

    [Fact]
    public async Task A_smarthost_refusing_EHLO_is_greeted_with_HELO_and_gets_the_message()
    {
        await using var server = new ScriptedSmtpServer { RefuseEhlo = true };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.StartTlsWhenAvailable);

        await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "helo"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        Assert.Equal(["EHLO", "HELO", "MAIL"], Verbs(Assert.Single(server.Sessions).Commands).Take(3));
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task MAIL_RCPT_and_DATA_go_out_as_one_pipelined_group_when_PIPELINING_is_offered()
    {
        // The server answers MAIL and RCPT only once DATA has arrived (RFC 2920 §3.1): a client waiting for
        // the MAIL reply first times out after CommandTimeout and the first attempt is deferred.
        await using var server = new ScriptedSmtpServer { Capabilities = ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES"], AnswerOnlyAfterData = true };
        await using var harness = await StartHarnessAsync(server, SmtpTlsMode.None);

        var id = await harness.SpoolAsync(From, [To, "carol@example.org"], TestMessages.Simple(From, To, "pipelined"));

        var row = await FirstAttemptAsync(harness);
        Assert.All(await harness.AttemptsAsync(id), a => Assert.StartsWith("accepted 250", $"{a.Outcome} {a.Code}: {a.Text}", StringComparison.Ordinal));
        Assert.Equal("delivered", row.State);
        Assert.Equal([To, "carol@example.org"], Assert.Single(server.Received).Recipients);
    }

    [Fact]
    public async Task Multi_line_replies_are_read_whole_and_the_connection_serves_the_next_message()
    {
        var queued = 0;
        await using var server = new ScriptedSmtpServer
        {
            OnMail = _ => "250-2.1.0 Sender\r\n250-2.1.0 looks\r\n250 2.1.0 Ok",
            OnRcpt = _ => "250-2.1.5 Recipient\r\n250-2.1.5 looks\r\n250 2.1.5 Ok",
            OnData = _ => $"250-2.0.0 Ok: queued as Q{Interlocked.Increment(ref queued)}\r\n250-2.0.0 second line\r\n250 2.0.0 third line",
        };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = Smarthost(server, SmtpTlsMode.None));
        var first = await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "first"));
        var second = await harness.SpoolAsync(From, [To], TestMessages.Simple(From, To, "second"));
        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.Count == 2 && rows.All(r => r.State == "delivered"), what: "both deliveries");
        Assert.Equal((2, 1), (server.Received.Count, server.Connections));

        // Each message's attempt carries its own DATA reply: no line of the first reply was left to be read as the second's.
        var firstText = Assert.Single(await harness.AttemptsAsync(first)).Text;
        var secondText = Assert.Single(await harness.AttemptsAsync(second)).Text;
        Assert.Equal(["Q1", "Q2"], new[] { QueueId(firstText), QueueId(secondText) }.Order());
    }

    /// <summary>One connection at a time (the tests read one session), a 5 s timeout for the cases that could hang, the loopback certificate accepted.</summary>
    private static SmarthostOptions Smarthost(ScriptedSmtpServer server, SmtpTlsMode tls, (string User, string Password)? login = null)
    {
        var options = DeliveryHarness.Loopback(server.Port, maxConnections: 1);
        options.Tls = tls;
        options.AcceptSelfSignedCertificate = true;
        options.CommandTimeout = TimeSpan.FromSeconds(5);
        (options.Username, options.Password) = (login?.User, login?.Password);
        return options;
    }

    /// <summary>A started harness for <paramref name="server"/>; a deferred message is retried only after a minute, so each test sees one attempt.</summary>
    private async Task<DeliveryHarness> StartHarnessAsync(ScriptedSmtpServer server, SmtpTlsMode tls, (string User, string Password)? login = null)
    {
        var harness = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = Smarthost(server, tls, login);
            (o.RetryInitialDelay, o.RetryMaxDelay) = (TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        });
        await harness.StartAsync();
        return harness;
    }

    /// <summary>The single message's row once its first attempt has ended (bounded: the attempt is bounded by CommandTimeout).</summary>
    private static async Task<MessageRow> FirstAttemptAsync(DeliveryHarness harness)
    {
        await harness.WaitUntilAsync(rows => rows.Count > 0 && rows[0] is { Attempts: >= 1, State: not "delivering" }, what: "the end of the first attempt");
        return (await harness.RowsAsync())[0];
    }

    /// <summary>A message with RET=HDRS, an ENVID, and NOTIFY=SUCCESS,FAILURE for bob and NEVER for carol, queued before the harness starts.</summary>
    private static async Task SpoolWithDsnAsync(DeliveryHarness harness)
    {
        var id = await harness.SpoolAsync(From, [To, "carol@example.org"], TestMessages.Simple(From, To, "dsn"), dsnRet: "HDRS", notify: ["SUCCESS,FAILURE", "NEVER"]);

        // SpoolAsync has no ENVID; the SMTP side stores it in the same row.
        await using var connection = await harness.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE messages SET dsn_envid = 'QUEUE.42-abc' WHERE id = @Id", new { Id = id });
    }

    private static string QueueId(string? text) => Regex.Match(text ?? "", "queued as (Q[0-9]+)").Groups[1].Value;

    private static string Verb(string command) => command.Split(' ', 2)[0].ToUpperInvariant();

    private static List<string> Verbs(IEnumerable<string> commands) => commands.Select(Verb).ToList();

    /// <summary>The address between the angle brackets of a MAIL or RCPT line.</summary>
    private static string Path(string command) => command[(command.IndexOf('<', StringComparison.Ordinal) + 1)..command.IndexOf('>', StringComparison.Ordinal)];

    /// <summary>The ESMTP parameters after the path (RFC 5321 §4.1.2), keyword upper-cased; a keyword without value maps to "".</summary>
    private static Dictionary<string, string> Parameters(string command) =>
        command[(command.IndexOf('>', StringComparison.Ordinal) + 1)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(parameter => parameter.Split('=', 2))
            .ToDictionary(pair => pair[0].ToUpperInvariant(), pair => pair.Length > 1 ? pair[1] : "");
}
