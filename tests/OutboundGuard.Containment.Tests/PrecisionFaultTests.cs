using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using OutboundGuard.Storage.Security;
using Xunit;

namespace OutboundGuard.Containment.Tests;

/// <summary>
/// Each fault that once hurt honest senders, reproduced over SMTP (MailKit, STARTTLS + AUTH, every client from
/// 127.0.0.1 as behind one shared front end) against a fresh relay with default limits, and shown fixed. Accounts are
/// given their real age with <c>accounts import</c>.
/// </summary>
public sealed class PrecisionFaultTests(PrecisionFaultTests.Relay fixture) : IClassFixture<PrecisionFaultTests.Relay>
{
    private const string Password = "a sound passphrase 42";
    private readonly ContainmentRelay _relay = fixture.Started;

    /// <summary>One relay for the class: every test uses accounts, tenants and texts of its own.</summary>
    public sealed class Relay : IAsyncLifetime
    {
        public ContainmentRelay Started { get; private set; } = null!;

        public async Task InitializeAsync() => Started = await ContainmentRelay.StartAsync();

        public async Task DisposeAsync() => await Started.DisposeAsync();
    }

    /// <summary>Imports accounts with their creation dates (days ago) and one password.</summary>
    private async Task ImportAsync(params (string Address, int AgeDays)[] accounts)
    {
        var hash = PasswordHasher.Hash(Password);
        var lines = accounts.Select(a => $"{a.Address},{DateTime.UtcNow.AddDays(-a.AgeDays):yyyy-MM-dd},\"{hash}\"");
        var file = Path.Combine(_relay.DataDirectory, $"import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "address,created_at,password_hash\n" + string.Join('\n', lines) + "\n");
        await _relay.CliAsync(null, "accounts", "import", file);
    }

    private async Task<SmtpClient> ConnectAsync(string account)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 60_000 };
        await client.ConnectAsync("127.0.0.1", _relay.SmtpPort, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(account, Password);
        return client;
    }

    private static MimeMessage Mail(string from, string to, string subject, string body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>Sends one message; returns the reply code (250 accepted, 4xx/5xx refused).</summary>
    private static async Task<int> SendAsync(SmtpClient client, MimeMessage message)
    {
        try
        {
            await client.SendAsync(message);
            return 250;
        }
        catch (SmtpCommandException e)
        {
            return (int)e.StatusCode;
        }
    }

    private async Task<int> SendOnceAsync(string account, MimeMessage message)
    {
        using var client = await ConnectAsync(account);
        var code = await SendAsync(client, message);
        await client.DisconnectAsync(true);
        return code;
    }

    [Fact]
    public async Task A_customer_MTA_relaying_through_one_account_over_20_parallel_sessions_is_not_a_finding()
    {
        const string account = "relay@mta-customer.example";
        await ImportAsync((account, 900));

        var codes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async s =>
        {
            using var client = await ConnectAsync(account);
            var replies = new List<int>();
            // One message per session, all sessions open at once: how Postfix delivers to its relayhost.
            replies.Add(await SendAsync(client, Mail(account, $"client{s}@partner{s % 5}.example", $"Statement {s}", $"Dear customer {s}, your monthly statement is ready in the portal. Kind regards, Accounts")));
            await client.DisconnectAsync(true);
            return replies;
        }));

        Assert.All(codes.SelectMany(c => c), c => Assert.Equal(250, c));
        Assert.Equal("active", await StateAsync(account));
    }

    [Fact]
    public async Task Short_and_boilerplate_texts_of_a_suspended_account_never_block_other_tenants()
    {
        const string bad = "owner@short-a.example", honest = "clerk@short-b.example";
        await ImportAsync((bad, 400), (honest, 700));
        await SendOnceAsync(bad, Mail(bad, "friend@elsewhere.example", "Re: lunch", "ok thanks, see attached"));
        await _relay.CliAsync(null, "accounts", "suspend", bad, "--reason", "confirmed abuse by the customer");

        var code = await SendOnceAsync(honest, Mail(honest, "boss@elsewhere.example", "Re: lunch", "ok thanks, see attached"));

        Assert.Equal(250, code);
        Assert.Equal("active", await StateAsync(honest));
    }

    [Fact]
    public async Task Many_accounts_linking_to_the_same_popular_sites_are_relayed()
    {
        var accounts = Enumerable.Range(0, 10).Select(i => ($"user{i}@popular{i}.example", 300 + i)).ToArray();
        await ImportAsync(accounts);

        var codes = new List<int>();
        foreach (var (address, _) in accounts)
        {
            codes.Add(await SendOnceAsync(address, Mail(address, $"colleague@partner-{address.Split('@')[1]}", "Meeting link",
                "Here is the agenda https://docs.google.com/document/d/abc and the call https://zoom.us/j/123 and the video https://www.youtube.com/watch?v=x")));
        }

        Assert.All(codes, c => Assert.Equal(250, c));
    }

    [Fact]
    public async Task An_imported_account_keeps_its_age_and_is_not_ramped_like_a_new_one()
    {
        const string established = "sales@old-shop.example", fresh = "sales@new-shop.example";
        await ImportAsync((established, 1500), (fresh, 0));
        var show = await _relay.CliAsync(null, "accounts", "show", established, "--json");
        Assert.Contains(DateTime.UtcNow.AddDays(-1500).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), show, StringComparison.Ordinal);

        // Twelve messages in a minute: within the default 30 per minute of an established account, over a new account's
        // ramped 5 per minute (which throttles it, 451, never worse).
        async Task<List<int>> BurstAsync(string account)
        {
            using var client = await ConnectAsync(account);
            var codes = new List<int>();
            for (var i = 0; i < 12; i++)
            {
                codes.Add(await SendAsync(client, Mail(account, $"buyer{i}@customers.example", $"Your quote {i}", $"Dear buyer {i}, please find your quote number {1000 + i} attached to this message. Regards, Sales")));
            }

            return codes;
        }

        var oldCodes = await BurstAsync(established);
        var newCodes = await BurstAsync(fresh);

        Assert.All(oldCodes, c => Assert.Equal(250, c));
        Assert.Contains(451, newCodes);
        Assert.DoesNotContain(newCodes, c => c >= 500);
    }

    [Fact]
    public async Task Honest_accounts_of_other_tenants_behind_the_same_address_are_not_linked_to_a_suspended_one()
    {
        const string phisher = "victim@shared-a.example";
        var others = new[] { "ann@shared-b.example", "bob@shared-c.example", "cat@shared-d.example" };
        await ImportAsync([(phisher, 500), .. others.Select(o => (o, 600))]);
        foreach (var o in others)
        {
            Assert.Equal(250, await SendOnceAsync(o, Mail(o, "friend@elsewhere.example", "Photos", "Here are the photos from the weekend trip, the lake was beautiful and the weather held up all day.")));
        }

        // Look-alike phishing from the same address: held, then the account suspended on what its own messages show.
        for (var i = 0; i < 6 && await StateAsync(phisher) != "suspended"; i++)
        {
            await SendOnceAsync(phisher, Mail(phisher, $"target{i}@elsewhere.example", "Password expiry", "Your mailbox password expires today. Verify your account at http://micros0ft-login.example/verify now."));
        }

        Assert.Equal("suspended", await StateAsync(phisher));
        foreach (var o in others)
        {
            Assert.Equal(250, await SendOnceAsync(o, Mail(o, "friend2@elsewhere.example", "Dinner", "Shall we meet for dinner on Thursday at the usual place? Let me know what time suits you best.")));
            Assert.Equal("active", await StateAsync(o));
        }
    }

    [Fact]
    public async Task A_young_shop_sending_order_notices_is_throttled_first_and_never_held_or_suspended()
    {
        const string shop = "orders@young-shop.example", other = "orders@other-shop.example";
        await ImportAsync((shop, 3), (other, 800));
        var codes = new List<int>();
        using (var client = await ConnectAsync(shop))
        {
            for (var i = 0; i < 7; i++)
            {
                codes.Add(await SendAsync(client, Mail(shop, $"customer{i}@buyers{i}.example", $"Your order #{5000 + i} has shipped",
                    $"Hello customer {i}, good news: your order #{5000 + i} has shipped and is on its way. Track it at https://young-shop.example/track/{5000 + i}. Thank you for shopping with us!")));
            }
        }

        Assert.DoesNotContain(codes, c => c >= 500);
        Assert.NotEqual("suspended", await StateAsync(shop));
        Assert.Equal(0, await HeldAsync(shop));

        // Another tenant's similar notice goes out.
        Assert.Equal(250, await SendOnceAsync(other, Mail(other, "buyer@buyers.example", "Your order #77 has shipped",
            "Hello buyer, good news: your order #77 has shipped and is on its way. Track it at https://other-shop.example/track/77. Thank you for shopping with us!")));
    }

    private async Task<string> StateAsync(string account)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await _relay.CliAsync(null, "accounts", "show", account, "--json"));
        return FindString(doc.RootElement, "state") ?? "";
    }

    private async Task<int> HeldAsync(string account)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await _relay.CliAsync(null, "accounts", "show", account, "--json"));
        return doc.RootElement.TryGetProperty("messages", out var messages) && messages.TryGetProperty("quarantined", out var held) ? held.GetInt32() : 0;
    }

    private static string? FindString(System.Text.Json.JsonElement element, string name)
    {
        if (element.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                return property.Value.GetString();
            }

            if (FindString(property.Value, name) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
