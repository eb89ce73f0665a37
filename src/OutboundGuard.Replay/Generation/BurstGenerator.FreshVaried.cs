using System.Globalization;
using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Generation;

public sealed partial class BurstGenerator
{
    /// <summary>The scenario name of <see cref="FreshSignupsVaried"/>.</summary>
    public const string FreshSignupsVariedName = "fresh-signups-varied";

    private static readonly string[] VariedLinkDomains = ["mailbox-storage-center.example", "secure-archive-portal.example", "quota-review-desk.example"];

    private static readonly Func<string, string, string, TextSample>[] VariedTexts =
    [
        (name, link, id) => new TextSample($"Mailbox notice {id}",
            $"Hello {name},\n\nyour mailbox is almost full and new messages may be returned to their senders. Review your storage and archive older items here:\n\n{link}\n\nReference {id}\nMail service\n"),
        (name, link, id) => new TextSample($"Storage warning for {name}",
            $"Dear {name},\n\nthe storage quota of your account has been reached. To keep receiving mail, please open the archive page below and move older folders:\n\n{link}\n\nTicket {id}\nSupport team\n"),
        (name, link, id) => new TextSample("Action needed: mailbox over quota",
            $"Hi {name},\n\nwe noticed that your mailbox is over quota since this morning. Incoming messages are paused until you free some space at:\n\n{link}\n\nCase {id}\nHelpdesk\n"),
    ];

    /// <summary>
    /// Fresh sign-ups (each its own new tenant) sending one phishing campaign with varied wording and links: three texts
    /// of mailbox-quota phrasing, three link domains, every message personalised. 10 accounts, 6 messages each, 30 s
    /// apart, a new account every 60 s. Each message scores in the upper half below the throttle threshold on its own.
    /// </summary>
    private void FreshSignupsVaried(ScenarioWriter w)
    {
        var serial = 0;
        for (var a = 0; a < 10; a++)
        {
            var account = w.Account($"owner@new-signup-{a + 1}.example", 0, "fresh sign-up sending phishing (varied texts)");
            for (var m = 0; m < 6; m++)
            {
                var recipient = ScenarioWriter.Recipient("targets.example", _random.Next(10_000));
                var id = (++serial).ToString("X6", CultureInfo.InvariantCulture);
                var link = $"https://{VariedLinkDomains[(a + m) % VariedLinkDomains.Length]}/review?ref={id}";
                var text = VariedTexts[(a + m) % VariedTexts.Length](recipient[..recipient.IndexOf('@', StringComparison.Ordinal)], link, id);
                w.Send(TimeSpan.FromSeconds(60 * a + 30 * m + 5 * _random.NextDouble()), account, [recipient], text, BurstLabels.Phish);
            }
        }
    }
}
