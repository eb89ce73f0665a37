using OutboundGuard.Replay.Bursts;

namespace OutboundGuard.Replay.Generation;

/// <summary>
/// Builds the reference bursts: attacks that must be contained and legitimate traffic that must pass. Texts
/// come from the SpamAssassin corpus when it is installed, else from the built-in samples; phishing is always
/// generated from templates. Deterministic for a given seed and corpus. Each burst is a few hundred messages
/// at most, so replaying all of them takes minutes.
/// </summary>
public sealed partial class BurstGenerator
{
    /// <summary>The bursts, by folder name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["hijack-full-speed", "phishing-fresh-signups", "campus-reserves", "low-and-slow-phishing", "newsletter-peak", "ordinary-ham"];

    /// <summary>Where every generated burst starts (captured time); replays rebase it to their own start.</summary>
    public static DateTimeOffset Epoch { get; } = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly Random _random;
    private readonly IReadOnlyList<TextSample> _ham;
    private readonly IReadOnlyList<TextSample> _spam;

    /// <param name="corpus">The SpamAssassin corpus, or null for the built-in texts.</param>
    /// <param name="seed">Seed of every random choice.</param>
    public BurstGenerator(CorpusSource? corpus, int seed = 8)
    {
#pragma warning disable CA5394 // Deterministic test data, not security.
        _random = new Random(seed);
#pragma warning restore CA5394
        _ham = corpus?.Ham(300, _random) is { Count: > 0 } ham ? ham : BuiltInTexts.Ham;
        _spam = corpus?.Spam(100, _random) is { Count: > 0 } spam ? spam : BuiltInTexts.Spam;
        Source = corpus is null ? "built-in texts" : "corpus " + corpus.Location;
    }

    /// <summary>Where the ham and spam texts came from.</summary>
    public string Source { get; }

    /// <summary>Writes every burst into a subfolder of <paramref name="directory"/>; returns the folders.</summary>
    public IReadOnlyList<string> GenerateAll(string directory) => [.. Names.Select(n => Generate(n, Path.Combine(directory, n)))];

    /// <summary>Writes one burst into <paramref name="directory"/> and returns it.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public string Generate(string name, string directory)
    {
        var w = new ScenarioWriter(directory, Epoch);
        switch (name)
        {
            case "hijack-full-speed": HijackFullSpeed(w); break;
            case "phishing-fresh-signups": PhishingFreshSignups(w); break;
            case "campus-reserves": CampusReserves(w); break;
            case "low-and-slow-phishing": LowAndSlow(w); break;
            case "newsletter-peak": NewsletterPeak(w); break;
            case "ordinary-ham": OrdinaryHam(w); break;
            case "precision": Precision(w); break;
            case FreshSignupsVariedName: FreshSignupsVaried(w); break;
            default: throw new ArgumentException($"Unknown burst {name}; known: {string.Join(", ", Names.Concat(Scenarios))}.", nameof(name));
        }

        w.Complete();
        return directory;
    }

    private TextSample Ham() => _ham[_random.Next(_ham.Count)];

    private TextSample Spam() => _spam[_random.Next(_spam.Count)];

    private string[] Recipients(string domain, int count) => [.. Enumerable.Range(0, count).Select(_ => ScenarioWriter.Recipient(domain, _random.Next(10_000)))];

    /// <summary>Ordinary mail: <paramref name="messages"/> each over <paramref name="span"/>, jittered, to 1–3 recipients.</summary>
    private void Colleagues(ScenarioWriter w, string tenant, int accounts, int messages, TimeSpan span, string prefix = "staff")
    {
        for (var a = 0; a < accounts; a++)
        {
            var account = w.Account($"{prefix}{a + 1}@{tenant}", 365 + a, "legitimate colleague");
            for (var m = 0; m < messages; m++)
            {
                var at = span * (m + _random.NextDouble()) / messages;
                w.Send(at, account, Recipients(m % 2 == 0 ? tenant : "partner.example", 1 + _random.Next(3)), Ham(), BurstLabels.Ham);
            }
        }
    }

    /// <summary>An established mailbox, hijacked: a few ordinary messages, then spam at full speed (10 ms apart, 3 recipients each).</summary>
    private void HijackFullSpeed(ScenarioWriter w)
    {
        const string Tenant = "acme.example";
        var hijacked = w.Account("j.miller@" + Tenant, 400, "hijacked established mailbox");
        for (var m = 0; m < 5; m++)
        {
            w.Send(TimeSpan.FromMinutes(10 * m + 1), hijacked, Recipients("partner.example", 1), Ham(), BurstLabels.Ham);
        }

        for (var m = 0; m < 200; m++)
        {
            w.Send(TimeSpan.FromMinutes(60) + TimeSpan.FromMilliseconds(10 * m), hijacked, Recipients("victims.example", 3), Spam(), BurstLabels.Spam);
        }

        Colleagues(w, Tenant, 3, 8, TimeSpan.FromHours(2));
    }

    /// <summary>Fresh sign-ups sending personalised phishing notifications, account after account (each 12 messages, 20 s apart, starting 90 s after the previous).</summary>
    private void PhishingFreshSignups(ScenarioWriter w)
    {
        const string Tenant = "freemail.example";
        var serial = 0;
        for (var a = 0; a < 8; a++)
        {
            var account = w.Account($"new.user{a + 1:D2}@{Tenant}", 0, "fresh sign-up sending phishing");
            for (var m = 0; m < 12; m++)
            {
                var recipient = ScenarioWriter.Recipient("targets.example", _random.Next(10_000));
                w.Send(TimeSpan.FromSeconds(90 * a + 20 * m), account, [recipient], PhishingTemplates.Create(a, a + m, recipient, ++serial), BurstLabels.Phish);
            }
        }

        Colleagues(w, Tenant, 4, 10, TimeSpan.FromMinutes(20), "member");
    }

    /// <summary>Compromised campus accounts: a first wave of 4, and 4 reserves taking over 10 min later with the same campaign.</summary>
    private void CampusReserves(ScenarioWriter w)
    {
        const string Tenant = "campus.example";
        var campaign = _spam.Take(3).ToArray();
        for (var a = 0; a < 8; a++)
        {
            var reserve = a >= 4;
            var account = w.Account($"student{a + 1:D3}@{Tenant}", 200, reserve ? "compromised campus account (reserve)" : "compromised campus account (first wave)");
            var start = reserve ? TimeSpan.FromMinutes(10) : TimeSpan.Zero;
            for (var m = 0; m < 40; m++)
            {
                w.Send(start + TimeSpan.FromSeconds(2 * m + a * 0.25), account, Recipients("inboxes.example", 4), campaign[m % campaign.Length], BurstLabels.Spam);
            }
        }

        Colleagues(w, Tenant, 6, 10, TimeSpan.FromMinutes(30), "lecturer");
    }

    /// <summary>One compromised mailbox sending a phishing message every 4 min for 4 hours, among ordinary colleagues.</summary>
    private void LowAndSlow(ScenarioWriter w)
    {
        const string Tenant = "lawfirm.example";
        var account = w.Account("r.chen@" + Tenant, 900, "compromised mailbox, low-and-slow phishing");
        for (var m = 0; m < 60; m++)
        {
            var recipient = ScenarioWriter.Recipient("clients.example", _random.Next(10_000));
            w.Send(TimeSpan.FromMinutes(4 * m), account, [recipient], PhishingTemplates.Create(m, 3, recipient, 5000 + m), BurstLabels.Phish);
        }

        Colleagues(w, Tenant, 3, 12, TimeSpan.FromHours(4), "associate");
    }

    /// <summary>A shop's newsletter account with raised limits: 400 messages in 4 minutes, one recipient each.</summary>
    private void NewsletterPeak(ScenarioWriter w)
    {
        const string Tenant = "shop.example";
        var limits = new BurstAccountLimits { MessagesPerMinute = 1000, MessagesPerHour = 20_000, RecipientsPerMinute = 2000, RecipientsPerHour = 40_000, RecipientsPerDay = 100_000 };
        var account = w.Account("news@" + Tenant, 700, "newsletter sender with raised limits", limits);
        var issue = new TextSample("Spring collection: 20 % off for subscribers",
            "Hello,\n\nour spring collection is here. As a subscriber you get 20 % off until Sunday with the code SPRING20.\n\nSee the collection: https://www.shop.example/spring\n\nYou receive this newsletter because you subscribed at shop.example. Unsubscribe: https://www.shop.example/unsubscribe\n");
        for (var m = 0; m < 400; m++)
        {
            w.Send(TimeSpan.FromMilliseconds(600 * m), account, [ScenarioWriter.Recipient("subscribers.example", m)], issue, BurstLabels.Ham);
        }

        Colleagues(w, Tenant, 2, 10, TimeSpan.FromMinutes(30));
    }

    /// <summary>Twelve ordinary mailboxes over a working day.</summary>
    private void OrdinaryHam(ScenarioWriter w) => Colleagues(w, "office.example", 12, 15, TimeSpan.FromHours(8), "employee");
}
