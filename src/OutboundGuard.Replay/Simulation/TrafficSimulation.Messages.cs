using System.Net;
using MimeKit;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;

#pragma warning disable CA5394 // reproducible simulated traffic, see TrafficSimulation.cs

namespace OutboundGuard.Replay.Simulation;

public static partial class TrafficSimulation
{
    private static readonly string[] Words =
    [
        "meeting", "project", "report", "budget", "please", "review", "attached", "thanks", "tomorrow", "team", "update", "draft",
        "client", "schedule", "call", "notes", "question", "quarter", "figures", "deadline", "proposal", "contract", "invoice", "order",
        "delivery", "agenda", "minutes", "slides", "feedback", "office", "lunch", "week", "plan", "design", "release", "test", "issue",
        "support", "ticket", "customer", "price", "offer", "sample", "shipment", "travel", "hotel", "flight", "conference", "workshop",
        "training", "course", "exam", "lecture", "student", "paper", "research", "data", "analysis", "model", "results", "summary",
        "the", "a", "we", "you", "I", "to", "and", "of", "in", "for", "on", "with", "can", "will", "is", "are", "be", "this", "that",
        "let", "me", "know", "if", "any", "should", "could", "would", "our", "your", "see", "below", "new", "next", "last", "first",
    ];

    /// <summary>One-line replies under 8 words, the same in every tenant.</summary>
    private static readonly string[] ShortTexts =
    [
        "ok thanks", "Thanks!", "see attached", "call me", "Sounds good, thanks.", "Will do.", "Yes, that works for me.",
        "Can we talk tomorrow?", "Noted, thanks.", "Sent from my iPhone", "Great, thank you!", "See you then.",
    ];

    private static readonly string[] ReplySubjects = ["Re: meeting", "Re: invoice", "Re: tomorrow", "Re: documents", "Re: quick question", "Fwd: documents"];

    /// <summary>Boilerplate the same in every tenant: invoices, signatures and disclaimers, forwarded notices, auto-replies.</summary>
    private static readonly (string Subject, string Body)[] Boilerplate =
    [
        ("Invoice", "Please find attached the invoice."),
        ("Invoice", "Hello,\n\nPlease find attached the invoice for last month. Do not hesitate to contact us if you have any questions.\n\nKind regards"),
        ("Re: documents", "Thanks, received.\n\nBest regards\n\nThis email and any attachments are confidential and may be privileged. If you are not the intended recipient, please notify the sender immediately and delete this email. Do not copy or disclose its contents to anyone."),
        ("Fwd: Your Zoom meeting", "---------- Forwarded message ---------\nFrom: Zoom <no-reply@zoom.us>\nSubject: Your meeting has been scheduled\n\nHi, your Zoom meeting has been scheduled. Join from a PC, Mac, iPad or Android: https://zoom.us/j/84512345678 Meeting ID: 845 1234 5678 Passcode: 123456"),
        ("Fwd: Document shared with you", "---------- Forwarded message ---------\nFrom: Google Docs <drive-shares-noreply@google.com>\nSubject: Document shared with you\n\nA document has been shared with you. Open in Docs: https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/edit?usp=sharing"),
        ("Automatic reply", "Thank you for your message. I am out of the office until Monday with limited access to email. For urgent matters please contact the office on the main number. I will reply as soon as I can after my return."),
        ("Payment received", "Hello, we confirm that we have received your payment. Thank you for your business.\n\nKind regards,\nAccounts team"),
        ("Re: meeting", "Thanks, see you there.\n\nSent from my iPhone"),
    ];

    private static readonly string[] Providers = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "gmx.de", "web.de", "aol.com"];

    private static readonly string[] FirstNames = ["Anna", "Ben", "Carla", "David", "Emma", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kate", "Luis", "Mia", "Noah", "Olga", "Paul"];

    private const string Alphanumerics = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    internal sealed partial class World
    {
        public MessageUnderReview Message(SimEvent e, AccountProfile profile, Random rng, long serial)
        {
            SimAccount a = Accounts[e.Account];
            string from = profile.Address;
            var recipients = new List<string>(e.Recipients);
            bool attack = IsAttack(e);
            for (int r = 0; r < e.Recipients; r++)
            {
                recipients.Add(e.Kind is Kind.AppNotice or Kind.ShopNotice ? Customer(rng)
                    : attack || e.Kind == Kind.Newsletter || a.Contacts.Length == 0 || rng.NextDouble() < 0.2
                    ? $"x{S(rng.Next(1_000_000))}@ext{S(rng.Next(5000))}.example"
                    : a.Contacts[rng.Next(a.Contacts.Length)]);
            }

            string name = Words[rng.Next(Words.Length)];
            MimeMessage content = e.Kind switch
            {
                Kind.Ordinary => a.IsNewsletter ? Composed(from, recipients[0], profile.Tenant, rng) : OrdinaryText(a, from, recipients[0], profile.Tenant, rng),
                Kind.Newsletter or Kind.Notice => Shared(e, profile),
                Kind.AppNotice => OrderNotice(from, recipients[0], profile.Tenant, rng),
                Kind.ShopNotice => ShippedNotice(from, recipients[0], profile.Tenant, rng),
                Kind.Hijack => Build(from, recipients[0], "Limited offer " + S(rng.Next(1000)),
                    $"Hello {name}, limited offer today only! Genuine luxury watches at 90 % discount, free shipping worldwide. Order now at https://cheap-watch-{S(e.Variant % 7)}.example/{S(rng.Next(99999))} before stock runs out. {Sentence(rng, 10)}", null),
                Kind.Fresh => Build(from, recipients[0], "Mailbox storage notice",
                    $"Dear {name}, your mailbox storage is almost full and new messages are being held. To release them, review your storage settings at https://mail-storage-center.example/r/{S(rng.Next(99999))} within 48 hours. Thank you, Mail Administration", null),
                Kind.Campus => Build(from, recipients[0], "Password notice",
                    $"Hello {name}, your campus password expires today. To keep your same password, confirm it on the portal https://campus-portal-login.example/keep/{S(rng.Next(99999))} before the end of the day. IT Service Desk", null),
                _ => Build(from, recipients[0], "Document shared with you",
                    null, $"<p>Hi {name},</p><p>A document has been shared with you for signature.</p><p><a href=\"https://docusign-review.example/d/{S(rng.Next(99999))}\">Review document on DocuSign</a></p>"),
            };

            IPAddress ip = e.Kind switch
            {
                Kind.Hijack => new IPAddress([203, 0, 113, (byte)(1 + (e.Variant % 3))]),
                Kind.Campus => new IPAddress([198, 51, 100, (byte)(1 + (e.Variant % 3))]),
                _ => a.Ips[rng.Next(a.Ips.Length)],
            };
            string session = e.Kind switch
            {
                Kind.Hijack => $"h{S(e.Variant % 8)}",
                Kind.Newsletter => $"n{S(e.Account)}-{S(e.Variant)}-{S(serial % 4)}",
                _ => Session(a, ip, serial, rng),
            };
            return new MessageUnderReview
            {
                MessageId = S(serial),
                Account = profile,
                EnvelopeSender = from,
                Recipients = recipients,
                ClientAddress = ip,
                SessionId = session,
                Content = content,
            };
        }

        /// <summary>The session a retry of a deferred message comes on.</summary>
        public string RetrySession(SimAccount a, long serial, Random rng) => Session(a, a.Ips[0], serial, rng);

        /// <summary>An MTA spreads one account's mail over its 20 sessions; the webmail front end and mail clients open one per message.</summary>
        private static string Session(SimAccount a, IPAddress ip, long serial, Random rng) => a.Path == SubmitPath.Mta
            ? $"mta{S(a.TenantIndex)}-s{S(1 + rng.Next(20))}"
            : ip.Equals(WebmailFrontEnd) ? $"w{S(serial)}" : $"s{S(serial)}";

        /// <summary>
        /// An ordinary message: a third are one-line replies or boilerplate the same in every tenant; the rest are written
        /// text, a quarter of all messages linking to a popular site.
        /// </summary>
        private MimeMessage OrdinaryText(SimAccount a, string from, string to, string tenant, Random rng)
        {
            double r = rng.NextDouble();
            if (r < 1.0 / 6)
            {
                int text = rng.Next(ShortTexts.Length), subject = rng.Next(ReplySubjects.Length);
                return Common(a, from, to, (text * 16) + subject, ReplySubjects[subject], ShortTexts[text]);
            }

            if (r < 1.0 / 3)
            {
                int k = rng.Next(Boilerplate.Length);
                return Common(a, from, to, 1000 + k, Boilerplate[k].Subject, Boilerplate[k].Body);
            }

            return Composed(from, to, tenant, rng);
        }

        private static MimeMessage Composed(string from, string to, string tenant, Random rng)
        {
            var body = new System.Text.StringBuilder(Sentence(rng, rng.Next(20, 60)));
            if (rng.NextDouble() < 0.2)
            {
                body.Append("\nhttps://www.").Append(tenant).Append("/docs/").Append(S(rng.Next(100)));
            }

            // Three in eight written messages, a quarter of all ordinary messages, link to a popular site.
            if (rng.NextDouble() < 0.375)
            {
                body.Append("\n\n").Append(PopularLink(rng));
            }

            if (rng.NextDouble() < 0.15)
            {
                body.Append("\n\nSent from my iPhone");
            }

            return Build(from, to, Sentence(rng, 4), body.ToString(), null);
        }

        /// <summary>A common text as the tenant's users send it (one parsed copy per tenant, since detectors read the From domain); the cache is bounded.</summary>
        private MimeMessage Common(SimAccount a, string from, string to, int text, string subject, string body)
        {
            if (!_common.TryGetValue((a.TenantIndex, text), out MimeMessage? m))
            {
                if (_common.Count >= 20_000)
                {
                    _common.Clear();
                }

                m = Build(from, to, subject, body, null);
                _common[(a.TenantIndex, text)] = m;
            }

            return m;
        }

        private static MimeMessage OrderNotice(string from, string to, string tenant, Random rng)
        {
            int order = rng.Next(100_000, 999_999);
            string who = FirstNames[rng.Next(FirstNames.Length)];
            return Build(from, to, $"Your order {S(order)} is confirmed",
                $"Hello {who},\n\nThank you for your order {S(order)}. We have received it and are preparing it for shipment.\n"
                + $"Items: {S(rng.Next(1, 6))}. Order total: {S(rng.Next(10, 400))}.{S(rng.Next(10, 99))} EUR.\n"
                + $"You can follow your order at https://www.{tenant}/orders/{S(order)}\n\n{tenant} customer service\n"
                + "This is an automated message, please do not reply.", null);
        }

        private static MimeMessage ShippedNotice(string from, string to, string tenant, Random rng)
        {
            int order = rng.Next(1000, 9999);
            string who = FirstNames[rng.Next(FirstNames.Length)];
            long parcel = rng.NextInt64(1_000_000_000, 9_999_999_999);
            return Build(from, to, $"Your order #{S(order)} has shipped",
                $"Hi {who},\n\nGood news: your order #{S(order)} has shipped and is on its way. Track your parcel at "
                + $"https://www.dhl.com/en/express/tracking.html?AWB={S(parcel)} or on https://www.{tenant}/track/{S(order)}\n\n"
                + $"Thanks for shopping with us!\n{tenant}", null);
        }

        private static string Customer(Random rng) => rng.NextDouble() < 0.6
            ? $"{FirstNames[rng.Next(FirstNames.Length)].ToLowerInvariant()}.{S(rng.Next(100_000))}@{Providers[rng.Next(Providers.Length)]}"
            : $"c{S(rng.Next(1_000_000))}@ext{S(rng.Next(5000))}.example";

        private static string PopularLink(Random rng) => rng.Next(10) switch
        {
            0 => $"https://www.google.com/search?q={Words[rng.Next(Words.Length)]}+{Words[rng.Next(Words.Length)]}",
            1 => $"https://docs.google.com/document/d/{Id(rng, 44)}/edit?usp=sharing",
            2 => $"https://zoom.us/j/{S(rng.NextInt64(1_000_000_000, 99_999_999_999))}?pwd={Id(rng, 32)}",
            3 => $"https://www.microsoft.com/en-us/microsoft-365/{Words[rng.Next(Words.Length)]}",
            4 => $"https://www.linkedin.com/in/{FirstNames[rng.Next(FirstNames.Length)].ToLowerInvariant()}-{Id(rng, 6).ToLowerInvariant()}",
            5 => $"https://www.youtube.com/watch?v={Id(rng, 11)}",
            6 => $"https://www.dropbox.com/s/{Id(rng, 15)}/{Words[rng.Next(Words.Length)]}.pdf?dl=0",
            7 => $"https://github.com/{Words[rng.Next(Words.Length)]}/{Words[rng.Next(Words.Length)]}",
            8 => $"https://www.amazon.com/dp/B0{Id(rng, 8).ToUpperInvariant()}",
            _ => $"https://en.wikipedia.org/wiki/{FirstNames[rng.Next(FirstNames.Length)]}",
        };

        private static string Id(Random rng, int length) => string.Create(length, rng, static (span, r) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = Alphanumerics[r.Next(Alphanumerics.Length)];
            }
        });

        /// <summary>Each newsletter sender writes its own text (different organisations do not share one newsletter).</summary>
        private static string NewsletterText(int account)
        {
            var r = new Random(account);
            return Sentence(r, 40);
        }

        private MimeMessage Shared(SimEvent e, AccountProfile profile)
        {
            int key = e.Kind == Kind.Notice ? -1 : e.Account;
            if (!_shared.TryGetValue((key, e.Variant), out MimeMessage? m))
            {
                m = e.Kind == Kind.Notice
                    ? Build(profile.Address, "all@" + profile.Tenant, "Network maintenance on Saturday",
                        $"Dear colleagues, the network will be unavailable on Saturday from 8:00 to 12:00 for planned maintenance of the core switches. Please save your work and log off before you leave on Friday. Details are on the intranet at https://www.{profile.Tenant}/it/maintenance. Thank you for your patience.", null)
                    : Build(profile.Address, "subscriber@example.org", "Our monthly news",
                        null, $"<h1>News from {profile.Tenant}</h1><p>{NewsletterText(e.Account)}</p><p>Read more on <a href=\"https://www.{profile.Tenant}/news\">our web site</a>.</p><p><a href=\"https://www.{profile.Tenant}/unsubscribe\">Unsubscribe</a></p>");
                _shared[(key, e.Variant)] = m;
            }

            return m;
        }
    }

    private static string Sentence(Random rng, int words)
    {
        var parts = new string[words];
        for (int i = 0; i < words; i++)
        {
            parts[i] = Words[rng.Next(Words.Length)];
        }

        return string.Join(' ', parts);
    }
}
