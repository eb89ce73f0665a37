using System.Globalization;
using MimeKit;
using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Generation;

/// <summary>The precision scenario's bulk senders (newsletter, invoice run, noreply application, young shop) and its four attacks.</summary>
public sealed partial class BurstGenerator
{
    /// <summary>A shared noreply application account: 110–130 order and shipping notices at 1–3 a second over its MTA's 20 sessions.</summary>
    private void NoReplyNotifications(ScenarioWriter w, PrecisionTenant tenant, TimeSpan start)
    {
        var account = w.Account("noreply@" + tenant.Domain, 1500, PrecisionRoles.NoReply);
        var at = start;
        var count = _random.Next(110, 131);
        for (var i = 0; i < count; i++)
        {
            var order = 480_000 + _random.Next(20_000);
            var shipped = i % 3 == 0;
            var message = new MimeMessage
            {
                Subject = shipped ? $"Your order #{order} has shipped" : $"Order confirmation #{order}",
                Body = new TextPart("plain")
                {
                    Text = shipped
                        ? $"Hello,\n\ngood news: your order #{order} is on its way. Tracking number: 1Z{order}{i:D4}.\n\nThank you for shopping with us.\n{tenant.Domain}\n"
                        : $"Hello,\n\nthank you for your order #{order}. We will let you know when it ships.\n\nOrder total: {10 + _random.Next(190)}.{_random.Next(100):D2} EUR\n{tenant.Domain}\n",
                },
            };
            message.From.Add(new MailboxAddress("Order updates", account));
            w.Send(at, account, [ScenarioWriter.Recipient("customers.example", _random.Next(10_000))], message, BurstLabels.Ham, tenant.ClientLabel, $"s{i % MtaSessions + 1}");
            at += TimeSpan.FromSeconds(1.0 / (1 + 2 * _random.NextDouble()));
        }
    }

    /// <summary>A weekly newsletter with raised limits: 2,000 personalised single-recipient messages, one every 1.8 s, List-Unsubscribe and VERP return paths; 2 % of its list is stale.</summary>
    private void WeeklyNewsletter(ScenarioWriter w, TimeSpan start)
    {
        const string Tenant = "greenleaf-market.example";
        var limits = new BurstAccountLimits { MessagesPerMinute = 600, MessagesPerHour = 20_000, RecipientsPerMinute = 1200, RecipientsPerHour = 40_000, RecipientsPerDay = 100_000 };
        var account = w.Account("newsletter@" + Tenant, 1600, PrecisionRoles.Newsletter, limits);
        string[] mailboxes = ["mail.example", "post.example", "inbox.example", "webpost.example"];
        for (var i = 0; i < 2000; i++)
        {
            var first = PrecisionTexts.FirstNames[i % PrecisionTexts.FirstNames.Count];
            var recipient = NewsletterSubscriber($"{first}.{PrecisionTexts.LastNames[i / PrecisionTexts.FirstNames.Count % PrecisionTexts.LastNames.Count]}{i / 780}@{mailboxes[i % mailboxes.Length]}", i);
            var token = recipient.Replace('@', '=');
            var id = string.Create(CultureInfo.InvariantCulture, $"{i:x5}{first.Length:x}");
            var name = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(first);
            var body = new BodyBuilder
            {
                TextBody = $"Hello {name},\n\nthis week at Greenleaf Market: spring vegetables are in, and the cheese counter has three new farms.\nOpening hours over Easter: https://www.greenleaf-market.example/hours\n\nYou receive this newsletter because you subscribed at greenleaf-market.example.\nUnsubscribe: https://news.{Tenant}/u/{id}\n",
                HtmlBody = $"<html><body><p>Hello {name},</p><p>this week at Greenleaf Market: spring vegetables are in, and the cheese counter has three new farms.</p><p><a href=\"https://www.greenleaf-market.example/hours\">Opening hours over Easter</a></p><p style=\"font-size:small\">You receive this newsletter because you subscribed at greenleaf-market.example. <a href=\"https://news.{Tenant}/u/{id}\">Unsubscribe</a></p></body></html>",
            };
            var message = new MimeMessage { Subject = "This week at Greenleaf Market", Body = body.ToMessageBody() };
            message.From.Add(new MailboxAddress("Greenleaf Market", account));
            message.Headers.Add("List-Unsubscribe", $"<https://news.{Tenant}/u/{id}>, <mailto:unsubscribe+{id}@news.{Tenant}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            w.Send(start + TimeSpan.FromSeconds(1.8 * i), account, [recipient], message, BurstLabels.Ham, "mta." + Tenant, mailFrom: $"bounce+{token}@news.{Tenant}");
        }
    }

    /// <summary>A monthly invoice run: 300 invoices with a small PDF, about one a second, from an established billing account.</summary>
    private void InvoiceRun(ScenarioWriter w, TimeSpan start)
    {
        const string Tenant = "harbor-utilities.example";
        var account = w.Account("billing@" + Tenant, 730, PrecisionRoles.InvoiceRun);
        var at = start;
        for (var i = 0; i < 300; i++)
        {
            var number = string.Create(CultureInfo.InvariantCulture, $"INV-2026-{10_000 + i:D5}");
            var amount = string.Create(CultureInfo.InvariantCulture, $"{20 + _random.Next(480)}.{_random.Next(100):D2}");
            var recipient = $"{Pick(PrecisionTexts.FirstNames)}.{Pick(PrecisionTexts.LastNames)}{i}@{(i % 2 == 0 ? "mail.example" : "post.example")}";
            var body = new BodyBuilder { TextBody = $"Dear customer,\n\nplease find attached invoice {number} for {amount} EUR, due on 31 March 2026.\n\nKind regards,\nHarbor Utilities Billing\n" };
            body.Attachments.Add(number + ".pdf", PrecisionTexts.TinyPdf($"Harbor Utilities - invoice {number} - {amount} EUR"), new ContentType("application", "pdf"));
            var message = new MimeMessage { Subject = $"Your invoice {number}", Body = body.ToMessageBody() };
            message.From.Add(new MailboxAddress("Harbor Utilities Billing", account));
            w.Send(at, account, [recipient], message, BurstLabels.Ham, "mta." + Tenant);
            at += TimeSpan.FromSeconds(0.8 + 0.4 * _random.NextDouble());
        }
    }

    /// <summary>A shop created 5 days ago: about 30 order-shipped notices, 7 of them within one minute.</summary>
    private void YoungShop(ScenarioWriter w, TimeSpan rush)
    {
        const string Tenant = "tiny-knits.example";
        var account = w.Account("orders@" + Tenant, 5, PrecisionRoles.YoungShop);
        var times = Enumerable.Range(0, 23).Select(_ => TimeSpan.FromMinutes(PrecisionSpan.TotalMinutes * _random.NextDouble()))
            .Concat(Enumerable.Range(0, 7).Select(i => rush + TimeSpan.FromSeconds(8 * i + _random.NextDouble())));
        foreach (var at in times)
        {
            var order = 1000 + _random.Next(9000);
            var message = new MimeMessage
            {
                Subject = $"Your Tiny Knits order {order} has shipped",
                Body = new TextPart("plain") { Text = $"Hi,\n\nyour order {order} left our workshop today and should arrive in 2-3 days.\n\nThanks for supporting a small business!\nTiny Knits\n" },
            };
            w.Send(at, account, [$"{Pick(PrecisionTexts.FirstNames)}.{Pick(PrecisionTexts.LastNames)}@mail.example"], message, BurstLabels.Ham, "mta." + Tenant);
        }
    }

    /// <summary>An established webmail mailbox, hijacked: a few ordinary messages, then 200–240 spam messages with links, 10 ms apart over 8 sessions from the attacker's client.</summary>
    private void PrecisionHijack(ScenarioWriter w, PrecisionTenant tenant, TimeSpan start)
    {
        var account = w.Account("j.miller@" + tenant.Domain, 1100, PrecisionRoles.Hijack);
        foreach (var minutes in new[] { 5, 12, 22 })
        {
            var ham = Ham();
            w.Send(TimeSpan.FromMinutes(minutes), account, [ExternalContact()], new MimeMessage { Subject = ham.Subject, Body = new TextPart("plain") { Text = ham.Body } }, BurstLabels.Ham, tenant.ClientLabel);
        }

        var count = _random.Next(200, 241);
        for (var i = 0; i < count; i++)
        {
            var spam = Spam();
            w.Send(start + TimeSpan.FromMilliseconds(10 * i), account, Recipients("victims.example", 1 + _random.Next(3)),
                new MimeMessage { Subject = spam.Subject, Body = new TextPart("plain") { Text = spam.Body } }, BurstLabels.Spam, "bot-" + account, $"h{i % 8 + 1}");
        }
    }

    /// <summary>8–30 accounts signed up today in as many tenants, each sending 4–8 customised fake sign-in alerts with look-alike login links.</summary>
    private void PrecisionFreshSignups(ScenarioWriter w, TimeSpan start)
    {
        var count = _random.Next(8, 31);
        var serial = 0;
        for (var a = 0; a < count; a++)
        {
            var account = w.Account($"{Pick(PrecisionTexts.FirstNames)}.{Pick(PrecisionTexts.LastNames)}@new-{Pick(PrecisionTexts.TenantWords)}-{a + 1}.example", 0, PrecisionRoles.FreshSignup);
            var messages = _random.Next(4, 9);
            for (var m = 0; m < messages; m++)
            {
                var recipient = ScenarioWriter.Recipient("targets.example", _random.Next(10_000));
                var text = PhishingTemplates.Create(a + m, PhishingTemplates.LookAlikeExampleHosts[(a + 2 * m) % PhishingTemplates.LookAlikeExampleHosts.Count], recipient, ++serial);
                w.Send(start + TimeSpan.FromSeconds(90 * a + 25 * m + 5 * _random.NextDouble()), account, [recipient],
                    new MimeMessage { Subject = text.Subject, Body = new TextPart("plain") { Text = text.Body } }, BurstLabels.Phish, "bot-" + account);
            }
        }
    }

    /// <summary>A university: 4 compromised established accounts send a password-expiry phishing text from two attacker clients; 10 min later 4 reserves take over; 6 lecturers send ordinary mail.</summary>
    private void PrecisionCampus(ScenarioWriter w, TimeSpan start)
    {
        const string Tenant = "state-university.example";
        var serial = 9000;
        for (var a = 0; a < 8; a++)
        {
            var reserve = a >= 4;
            var account = w.Account($"student{a + 1:D3}@{Tenant}", 200 + 100 * a, reserve ? PrecisionRoles.CampusReserve : PrecisionRoles.CampusFirstWave);
            var from = (reserve ? start + TimeSpan.FromMinutes(10) : start) + TimeSpan.FromSeconds(a * 0.25);
            for (var m = 0; m < 25; m++)
            {
                var recipients = Recipients("inboxes.example", 4);
                var text = PhishingTemplates.Create(2, "office365-rnail.example", recipients[0], ++serial);
                w.Send(from + TimeSpan.FromSeconds(2 * m), account, recipients, new MimeMessage { Subject = text.Subject, Body = new TextPart("plain") { Text = text.Body } },
                    BurstLabels.Phish, $"attacker-{(reserve ? 3 : 1) + a % 2}.botnet.example");
            }
        }

        Colleagues(w, Tenant, 6, 6, PrecisionSpan, "lecturer");
    }

    /// <summary>An established law-firm mailbox: one DocuSign look-alike every 6 minutes from the attacker's client among its owner's ordinary mail.</summary>
    private void PrecisionLowAndSlow(ScenarioWriter w)
    {
        const string Tenant = "chen-partners-law.example";
        var account = w.Account("r.chen@" + Tenant, 1400, PrecisionRoles.LowAndSlow);
        for (var m = 0; m < 15; m++)
        {
            var recipient = ScenarioWriter.Recipient("clients.example", _random.Next(10_000));
            var text = PhishingTemplates.DocumentToSign("R. Chen (Chen & Partners)", recipient, 7000 + m);
            w.Send(TimeSpan.FromMinutes(3 + 6 * m), account, [recipient], new MimeMessage { Subject = text.Subject, Body = new TextPart("plain") { Text = text.Body } }, BurstLabels.Phish, "bot-" + account);
        }

        foreach (var at in HumanTimes(10))
        {
            w.Send(at, account, [ExternalContact()], Ham(), BurstLabels.Ham);
        }

        Colleagues(w, Tenant, 3, 6, PrecisionSpan, "associate");
    }
}
