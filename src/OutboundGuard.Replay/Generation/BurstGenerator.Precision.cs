using System.Globalization;
using MimeKit;
using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Generation;

/// <summary>
/// The precision scenario: 90 minutes of realistic mixed traffic — 200 ordinary mailboxes of small businesses
/// behind a webmail front end, an office NAT and customers' MTAs (20 parallel sessions), a newsletter, an
/// invoice run, a shared noreply application account and a young shop — with the five attacks interleaved (a
/// credential-stuffing burst before the hijack).
/// It measures what honest senders suffer beside what attacks get out.
/// </summary>
public sealed partial class BurstGenerator
{
    /// <summary>Scenarios generated on demand into one folder each (not part of the reference set).</summary>
    public static IReadOnlyList<string> Scenarios { get; } = ["precision", FreshSignupsVariedName];

    /// <summary>The client label of the webmail front end most ordinary users submit through.</summary>
    public const string WebmailLabel = "webmail.provider.example";

    /// <summary>The client label of an office NAT shared by two tenants.</summary>
    public const string NatLabel = "nat.business-park.example";

    /// <summary>Sessions a customer's MTA delivers over in parallel (Postfix's default destination concurrency).</summary>
    public const int MtaSessions = 20;

    private const int OrdinaryAccounts = 200;
    private static readonly TimeSpan PrecisionSpan = TimeSpan.FromMinutes(90);

    private sealed record PrecisionTenant(string Domain, string ClientLabel, bool Mta, List<string> Accounts);

    private void Precision(ScenarioWriter w)
    {
        var tenants = PrecisionTenants();
        var noReplyStart = TimeSpan.FromMinutes(40);

        // The noreply account holds all 20 of its MTA's sessions for about a minute: the MTA sends nothing else then.
        var busy = (From: noReplyStart - TimeSpan.FromMinutes(1), To: noReplyStart + TimeSpan.FromMinutes(3));
        var accounts = tenants.SelectMany(t => t.Accounts.Select(a => (Tenant: t, Address: a))).ToList();
        var order = Enumerable.Range(0, accounts.Count).ToArray();
        _random.Shuffle(order);
        var shortWriters = order.Take(accounts.Count / 3).ToHashSet();
        var young = order.Skip(accounts.Count / 3).Take(8).ToHashSet();
        for (var i = 0; i < accounts.Count; i++)
        {
            var (tenant, address) = accounts[i];
            var age = young.Contains(i) ? _random.Next(3, 15) : i == order[^1] ? 1825 : (int)Math.Exp(Math.Log(15) + _random.NextDouble() * (Math.Log(1825) - Math.Log(15)));
            w.Account(address, age, tenant.Mta ? PrecisionRoles.BehindMta : PrecisionRoles.Ordinary);
            OrdinaryMailbox(w, tenant, address, shortWriters.Contains(i), tenant == tenants[0] ? busy : null);
        }

        NoReplyNotifications(w, tenants[0], noReplyStart);
        WeeklyNewsletter(w, TimeSpan.FromMinutes(10));
        InvoiceRun(w, TimeSpan.FromMinutes(20));
        YoungShop(w, TimeSpan.FromMinutes(50));
        PrecisionHijack(w, tenants[^1], TimeSpan.FromMinutes(30));
        PrecisionFreshSignups(w, TimeSpan.FromMinutes(15));
        PrecisionCampus(w, TimeSpan.FromMinutes(45));
        PrecisionLowAndSlow(w);
        PrecisionSignals(w, tenants[^1], TimeSpan.FromMinutes(30));
    }

    /// <summary>20+ small-business tenants of 3–12 mailboxes, 200 in all: three behind their own MTA, two behind one NAT, the rest on webmail.</summary>
    private List<PrecisionTenant> PrecisionTenants()
    {
        List<int> sizes;
        do
        {
            sizes = [];
            for (var remaining = OrdinaryAccounts; remaining > 0;)
            {
                var size = _random.Next(3, 13);
                if (remaining <= 12 && remaining - size < 3)
                {
                    size = remaining;
                }
                else if (remaining - size < 3)
                {
                    size = remaining - 3;
                }

                sizes.Add(size);
                remaining -= size;
            }
        }
        while (sizes.Count < 22);

        var domains = new HashSet<string>(StringComparer.Ordinal);
        var tenants = new List<PrecisionTenant>();
        foreach (var size in sizes)
        {
            string domain;
            do
            {
                domain = $"{Pick(PrecisionTexts.TenantWords)}-{Pick(PrecisionTexts.TenantKinds)}.example";
            }
            while (!domains.Add(domain));

            var index = tenants.Count;
            var label = index < 3 ? "mta." + domain : index < 5 ? NatLabel : WebmailLabel;
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (names.Count < size)
            {
                names.Add($"{Pick(PrecisionTexts.FirstNames)}.{Pick(PrecisionTexts.LastNames)}@{domain}");
            }

            tenants.Add(new PrecisionTenant(domain, label, index < 3, [.. names]));
        }

        return tenants;
    }

    /// <summary>3–12 messages at human pace over the period, 1–3 recipients, mostly repeat contacts; short texts and boilerplate for a third of the writers, popular links in a quarter of the messages.</summary>
    private void OrdinaryMailbox(ScenarioWriter w, PrecisionTenant tenant, string account, bool writesShort, (TimeSpan From, TimeSpan To)? avoid)
    {
        var contacts = tenant.Accounts.Where(a => a != account).Take(3).ToList();
        for (var c = _random.Next(2, 5); c > 0; c--)
        {
            contacts.Add(ExternalContact());
        }

        var name = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(account.Split('@')[0].Replace('.', ' '));
        foreach (var at in HumanTimes(_random.Next(3, 13), avoid))
        {
            var recipients = new List<string>();
            for (var r = _random.Next(1, 4); r > 0; r--)
            {
                var recipient = _random.NextDouble() < 0.85 ? contacts[_random.Next(contacts.Count)] : ExternalContact();
                if (!recipients.Contains(recipient, StringComparer.OrdinalIgnoreCase))
                {
                    recipients.Add(recipient);
                }
            }

            string subject, body;
            if (writesShort)
            {
                subject = Pick(PrecisionTexts.ShortSubjects);
                var text = _random.NextDouble() < 0.7 ? Pick(PrecisionTexts.ShortReplies) : Pick(PrecisionTexts.Boilerplate);
                var signature = Pick(PrecisionTexts.Signatures);
                body = signature.Length == 0 ? text + "\n" : $"{text}\n\n{signature}\n";
            }
            else
            {
                var ham = Ham();
                subject = ham.Subject;
                body = $"{ham.Body}\n{name}\n";
            }

            if (_random.NextDouble() < 0.25)
            {
                body += "\n" + string.Join("\n", Pick(PrecisionTexts.PopularLinks)) + "\n";
            }

            var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = body } };
            w.Send(at, account, recipients, message, BurstLabels.Ham, tenant.ClientLabel, tenant.Mta ? $"s{_random.Next(1, MtaSessions + 1)}" : null);
        }
    }

    /// <summary>Send times minutes apart (now and then a few within minutes, as people answer mail in bursts), within the period.</summary>
    private List<TimeSpan> HumanTimes(int count, (TimeSpan From, TimeSpan To)? avoid = null)
    {
        var start = _random.NextDouble() * 25;
        var gaps = Enumerable.Range(0, count - 1).Select(_ => _random.NextDouble() < 0.3 ? 1 + 2 * _random.NextDouble() : 4 + 14 * _random.NextDouble()).ToList();
        var room = PrecisionSpan.TotalMinutes - 1 - start;
        var scale = gaps.Sum() > room ? room / gaps.Sum() : 1;
        var times = new List<TimeSpan> { TimeSpan.FromMinutes(start) };
        foreach (var gap in gaps)
        {
            times.Add(times[^1] + TimeSpan.FromMinutes(Math.Max(0.75, gap * scale)));
        }

        return [.. times.Select(t => avoid is { } a && t >= a.From && t <= a.To ? a.To + TimeSpan.FromMinutes(2 * _random.NextDouble()) : t)];
    }

    private string ExternalContact()
        => $"{Pick(PrecisionTexts.FirstNames)}.{Pick(PrecisionTexts.LastNames)}@{Pick(PrecisionTexts.TenantWords)}-partners.example";

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
