using System.Text;
using OutboundGuard.Delivery.Tests.Support;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

[Collection(PostgresCollection.Name)]
public sealed class SmarthostDeliveryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Messages_arrive_at_smtp_sink_for_every_recipient_and_the_spool_file_is_removed()
    {
        await using var sink = new SmtpSink();
        await sink.StartAsync();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(sink.Port));
        await harness.StartAsync();
        var content = TestMessages.Simple("alice@tenant.test", "bob@example.org", "three recipients");

        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org", "carol@example.org", "dave@example.net"], content);

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var dump = Assert.Single(sink.Dumps());
        Assert.Equal("alice@tenant.test", dump.MailFrom);
        Assert.Equal(["bob@example.org", "carol@example.org", "dave@example.net"], dump.Recipients);
        Assert.Equal(Encoding.UTF8.GetString(content).Replace("\r\n", "\n", StringComparison.Ordinal), dump.Message);
        var attempts = await harness.AttemptsAsync(id);
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Equal((DeliveryAttempt.Accepted, 250, "default"), (a.Outcome, a.Code, a.Route)));
        // The file goes only after the attempt's commit (docs/delivery.md, the queue's step 3), so a row already seen
        // delivered may still have it for a moment: wait for the removal rather than race it.
        var row = await harness.RowAsync(id);
        await harness.WaitUntilAsync(_ => !File.Exists(row.SpoolPath), what: "the spool file's removal");
        Assert.False(File.Exists(row.SpoolPath));

        // The removal is marked with a later group of recorded attempts, or by the periodic clean-up.
        await harness.WaitUntilAsync(rows => rows.Single().SpoolRemoved, what: "the removal mark");
    }

    [Fact]
    public async Task Content_is_relayed_byte_for_byte()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();
        var content = TestMessages.Tricky("zoe@tenant.test", "bob@example.org");

        await harness.SpoolAsync("zoe@tenant.test", ["bob@example.org"], content);

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var received = Assert.Single(server.Received);
        Assert.Equal(Encoding.UTF8.GetString(content), Encoding.UTF8.GetString(received.Data));
        Assert.Equal(content, received.Data);
    }

    [Fact]
    public async Task Bare_LF_and_bare_CR_in_spooled_content_are_relayed_as_CRLF()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        // LF.CRLF and a bare CR: what an SMTP smuggling attempt needs the next hop to misread.
        var content = Encoding.ASCII.GetBytes("From: <a@tenant.test>\r\nTo: <b@example.org>\r\nSubject: smuggle\r\n\r\nfirst line\nsecond line\r\n.\r\nMAIL FROM:<x@evil.test>\rthird line\n");
        await harness.SpoolAsync("a@tenant.test", ["b@example.org"], content);

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var received = Assert.Single(server.Received);
        var expected = "From: <a@tenant.test>\r\nTo: <b@example.org>\r\nSubject: smuggle\r\n\r\nfirst line\r\nsecond line\r\n.\r\nMAIL FROM:<x@evil.test>\r\nthird line\r\n";
        Assert.Equal(expected, Encoding.ASCII.GetString(received.Data));
    }

    [Fact]
    public async Task Dot_lines_and_end_of_data_sequences_in_spooled_content_reach_the_smarthost_byte_exact()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        // What BDAT may carry (it is never dot-stuffed): lines of dots, a real CRLF.CRLF, CRLF "." NUL CRLF
        // (BODY=BINARYMIME) and a transaction behind them. Delivery stuffs them for DATA; the next hop unstuffs
        // them back to exactly these octets, and none of them ends its DATA early.
        var content = Encoding.Latin1.GetBytes("From: <a@tenant.test>\r\nTo: <b@example.org>\r\nSubject: dots\r\n\r\n.\r\n..\r\n...x\r\n.\0\r\nMAIL FROM:<x@evil.test>\r\nRCPT TO:<y@example.org>\r\nDATA\r\n.\r\nlast\r\n");
        await harness.SpoolAsync("a@tenant.test", ["b@example.org"], content);

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var received = Assert.Single(server.Received);
        Assert.Equal(content, received.Data);
        Assert.Equal(["b@example.org"], received.Recipients);
    }

    [Fact]
    public async Task A_refused_recipient_is_rejected_while_the_others_are_delivered_and_every_reply_is_feedback()
    {
        await using var server = new ScriptedSmtpServer { OnRcpt = to => to.StartsWith("nobody", StringComparison.Ordinal) ? "550 5.1.1 <" + to + ">: Recipient address rejected: User unknown" : "250 2.1.5 Ok" };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        var account = await harness.CreateAccountAsync("alice@tenant.test");
        await harness.StartAsync();

        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org", "nobody@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "partial"), accountId: account);

        await harness.WaitUntilAsync(rows => rows.Count == 2 && rows.All(r => r.State is "bounced" or "delivered"), what: "the original bounced and its DSN delivered");
        var row = await harness.RowAsync(id);
        Assert.Equal("bounced", row.State);
        Assert.Equal(["nobody@example.org"], row.Failed);
        Assert.Empty(row.Pending);
        var attempts = await harness.AttemptsAsync(id);
        Assert.Contains(attempts, a => a is { Recipient: "nobody@example.org", Outcome: DeliveryAttempt.Rejected, Code: 550 });
        Assert.Contains(attempts, a => a is { Recipient: "bob@example.org", Outcome: DeliveryAttempt.Accepted, Code: 250 });
        Assert.All(attempts, a => Assert.Equal(account, a.AccountId));
        var original = server.Received.First(m => m.MailFrom == "alice@tenant.test");
        Assert.Equal(["bob@example.org"], original.Recipients);
        var feedback = harness.Feedback.Where(f => f.MessageId == id).ToList();
        Assert.Equal(attempts.Count, feedback.Count);
        Assert.Contains(feedback, f => f is { Code: 550, Outcome: DeliveryAttempt.Rejected } && f.AccountId == account && f.Text.Contains("User unknown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_4xx_defers_the_recipient_and_the_next_attempt_delivers_it()
    {
        var calls = 0;
        await using var server = new ScriptedSmtpServer { OnRcpt = _ => Interlocked.Increment(ref calls) == 1 ? "451 4.7.1 Greylisted, try again later" : "250 2.1.5 Ok" };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "greylisted"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery after greylisting");
        var attempts = await harness.AttemptsAsync(id);
        Assert.Equal([DeliveryAttempt.Deferred, DeliveryAttempt.Accepted], attempts.Select(a => a.Outcome));
        Assert.Equal(451, attempts[0].Code);
        Assert.Equal(2, (await harness.RowAsync(id)).Attempts);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task Several_messages_share_one_connection()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port, maxConnections: 1));
        for (var i = 0; i < 10; i++)
        {
            await harness.SpoolAsync("alice@tenant.test", [$"r{i}@example.org"], TestMessages.Simple("alice@tenant.test", $"r{i}@example.org", $"message {i}"));
        }

        await harness.StartAsync();

        await harness.WaitUntilAsync(rows => rows.All(r => r.State == "delivered"), what: "ten deliveries");
        Assert.Equal(10, server.Received.Count);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_5xx_after_DATA_rejects_the_recipients_accepted_at_RCPT_and_keeps_the_RCPT_outcome_of_the_others()
    {
        await using var server = new ScriptedSmtpServer
        {
            OnRcpt = to => to == "later@example.org" ? "452 4.2.2 Mailbox full" : "250 2.1.5 Ok",
            OnData = _ => "554 5.7.1 Message content rejected as spam",
        };
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o => o.Smarthost = DeliveryHarness.Loopback(server.Port));
        await harness.StartAsync();

        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org", "later@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "spammy"));

        await harness.WaitUntilAsync(rows => rows.Any(r => r.BounceOf == id), what: "a DSN for bob");
        var row = await harness.RowAsync(id);
        Assert.Equal(["bob@example.org"], row.Failed);
        Assert.Contains(row.State, new[] { "deferred", "delivering" });
        Assert.Equal(["later@example.org"], row.Pending);
        var attempts = await harness.AttemptsAsync(id);
        Assert.Contains(attempts, a => a is { Recipient: "bob@example.org", Outcome: "rejected", Code: 554 });
        Assert.Contains(attempts, a => a is { Recipient: "later@example.org", Outcome: "deferred", Code: 452 });
    }

    [Fact]
    public async Task A_message_taking_longer_than_its_lease_is_not_claimed_by_another_node_while_it_is_renewed()
    {
        await using var server = new ScriptedSmtpServer
        {
            OnData = _ =>
            {
                Thread.Sleep(TimeSpan.FromSeconds(4));
                return "250 2.0.0 Ok";
            },
        };
        await using var nodeA = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = DeliveryHarness.Loopback(server.Port);
            o.LeaseDuration = TimeSpan.FromSeconds(1.5);
            o.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        await using var nodeB = nodeA.SecondNode();
        var id = await nodeA.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "slow"));
        await nodeA.StartAsync();
        await nodeA.WaitUntilAsync(rows => rows.Single().State == "delivering", what: "the claim");
        await nodeB.StartAsync();

        await nodeA.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "the slow delivery");
        Assert.Single(server.Received);
        Assert.Equal(1, (await nodeA.RowAsync(id)).Attempts);
    }

    [Fact]
    public async Task With_a_spool_retention_the_file_of_a_delivered_message_is_kept_until_it_passes()
    {
        await using var server = new ScriptedSmtpServer();
        await using var harness = await DeliveryHarness.CreateAsync(postgres, o =>
        {
            o.Smarthost = DeliveryHarness.Loopback(server.Port);
            o.SpoolRetention = TimeSpan.FromSeconds(2);
        });
        await harness.StartAsync();

        var id = await harness.SpoolAsync("alice@tenant.test", ["bob@example.org"], TestMessages.Simple("alice@tenant.test", "bob@example.org", "kept"));

        await harness.WaitUntilAsync(rows => rows.Single().State == "delivered", what: "delivery");
        var row = await harness.RowAsync(id);
        Assert.True(File.Exists(row.SpoolPath));
        Assert.False(row.SpoolRemoved);
        await harness.WaitUntilAsync(rows => rows.Single().SpoolRemoved, what: "removal after the retention");
        Assert.False(File.Exists(row.SpoolPath));
    }
}
