using MimeKit;
using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Generation;

/// <summary>
/// The precision scenario's traffic for the login and invalid-recipient signals: stale addresses in the newsletter's
/// list, an attack on a harvested list, and a credential-stuffing burst before the hijack. None of it draws from the
/// generator's random sequence, so the rest of the scenario stays as it was for each seed.
/// </summary>
public sealed partial class BurstGenerator
{
    /// <summary>
    /// The local-part prefix of recipients that no longer exist: the precision suite's smarthost refuses them with
    /// 550 5.1.1, as a receiving server refuses an unknown mailbox.
    /// </summary>
    public const string StaleRecipientPrefix = "gone.";

    /// <summary>Every 50th newsletter subscriber left long ago: 2 % of the list is stale.</summary>
    private static string NewsletterSubscriber(string recipient, int index) => index % 50 == 7 ? StaleRecipientPrefix + recipient : recipient;

    private void PrecisionSignals(ScenarioWriter w, PrecisionTenant hijacked, TimeSpan hijackStart)
    {
        CredentialStuffing(w, "j.miller@" + hijacked.Domain, hijackStart - TimeSpan.FromMinutes(8));
        HarvestedList(w, TimeSpan.FromMinutes(55));
    }

    /// <summary>
    /// Credential stuffing before the hijack: 36 wrong passwords for the mailbox from 12 addresses within 6 minutes, each
    /// on its own connection, the attacker's message ready behind it (never sent: AUTH fails). No label: these are
    /// attempts to log in, not messages.
    /// </summary>
    private static void CredentialStuffing(ScenarioWriter w, string account, TimeSpan start)
    {
        for (var i = 0; i < 36; i++)
        {
            var message = new MimeMessage { Subject = "Invoice overdue", Body = new TextPart("plain") { Text = "Please see the attached invoice and pay today.\n" } };
            w.Send(start + TimeSpan.FromSeconds(10 * i), account, ["user0001@victims.example"], message, null, $"stuffer-{i % 12 + 1}.proxy.example", $"stuff{i}",
                password: $"Summer{2000 + i}!");
        }
    }

    /// <summary>
    /// An established trading company's mailbox, taken over, mails a harvested list: one pitch every 4 minutes to 20
    /// addresses, 6 of which (30 %) do not exist. Slow enough to stay under every pace limit; its content is a plain offer.
    /// </summary>
    private static void HarvestedList(ScenarioWriter w, TimeSpan start)
    {
        const string Tenant = "northwind-trading.example";
        var account = w.Account("sales@" + Tenant, 900, PrecisionRoles.HarvestedList);
        for (var m = 0; m < 10; m++)
        {
            var recipients = Enumerable.Range(0, 20)
                .Select(n => (n % 10 < 3 ? StaleRecipientPrefix : "") + ScenarioWriter.Recipient($"harvest{n % 4}.example", 20 * m + n))
                .ToList();
            var message = new MimeMessage
            {
                Subject = "Wholesale prices for your business",
                Body = new TextPart("plain") { Text = "Hello,\n\nwe supply office furniture at wholesale prices. Reply to this message for our catalogue.\n\nNorthwind Trading\n" },
            };
            w.Send(start + TimeSpan.FromMinutes(4 * m), account, recipients, message, BurstLabels.Spam, "bot-" + account);
        }
    }
}
