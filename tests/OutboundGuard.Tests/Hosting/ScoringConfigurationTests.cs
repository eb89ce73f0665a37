using System.Globalization;
using System.Net;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using OutboundGuard.Hosting;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using Xunit;

namespace OutboundGuard.Tests.Hosting;

/// <summary>The detectors' limits and weights as the host binds them (<c>OutboundGuard:Scoring:Rate</c>, <c>:Volume</c>, <c>:Content</c>, …).</summary>
public sealed class ScoringConfigurationTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly AccountProfile Account = new()
    {
        Id = 7,
        Address = "user7@tenant.example",
        Tenant = "tenant.example",
        CreatedAt = Start.AddDays(-365),
        Limits = AccountLimits.Default,
    };

    private static ServiceProvider Scoring(IReadOnlyDictionary<string, string?> settings, TimeProvider clock)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton(clock).AddScoring(configuration).BuildServiceProvider();
    }

    /// <summary>The verdicts of a full-speed hijack of an established account: a message every 200 ms, each to a new domain.</summary>
    private static List<VerdictAction> Hijack(IReadOnlyDictionary<string, string?> settings, int messages)
    {
        var clock = new FakeTimeProvider(Start);
        using var services = Scoring(settings, clock);
        var pipeline = services.GetRequiredService<ScoringPipeline>();

        // Two messages an hour for a week, to a known recipient.
        pipeline.Tracker.Seed(Account.Id, Enumerable.Range(1, 7 * 24 * 2).Select(i => (Start.AddMinutes(-30 * i), 1)), Account.Tenant);
        pipeline.Tracker.SeedKnownRecipients(Account.Id, ["friend@partner.example"], Account.Tenant);
        var verdicts = new List<VerdictAction>();
        for (int n = 1; n <= messages; n++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(200));
            verdicts.Add(pipeline.Score(new MessageUnderReview
            {
                MessageId = $"hijack-{n}",
                Account = Account,
                EnvelopeSender = Account.Address,
                Recipients = [$"victim{n}@target{n}.example"],
                ClientAddress = IPAddress.Parse("203.0.113.5"),
                SessionId = $"h{n % 8}",
            }).Action);
        }

        return verdicts;
    }

    [Fact]
    public void A_configured_detector_weight_changes_the_verdict()
    {
        var defaults = Hijack(new Dictionary<string, string?>(), 12);
        int throttledAt = defaults.FindIndex(a => a >= VerdictAction.Throttle);
        Assert.InRange(throttledAt, 0, 9);

        // Without the burst-shape weights (pace over the baseline, first-time recipients, recipient domains) the same
        // message is judged on what remains, below a throttle.
        var configured = Hijack(new Dictionary<string, string?>
        {
            ["OutboundGuard:Scoring:Rate:BaselineMaxWeight"] = "0",
            ["OutboundGuard:Scoring:Rate:FirstTimeRecipientsMaxWeight"] = "0",
            ["OutboundGuard:Scoring:Rate:RecipientDomainsMaxWeight"] = "0",
        }, 12);
        Assert.True(configured[throttledAt] < VerdictAction.Throttle, $"message {throttledAt + 1}: {defaults[throttledAt]} by default, {configured[throttledAt]} configured");
    }

    /// <summary>The verdict on one message whose From domain the tenant does not own and whose Reply-To is free mail.</summary>
    private static Verdict ForeignFromWithFreeMailReplyTo(IReadOnlyDictionary<string, string?> settings)
    {
        using var services = Scoring(settings, new FakeTimeProvider(Start));
        var content = new MimeMessage();
        content.From.Add(new MailboxAddress("Billing", "billing@elsewhere.example"));
        content.ReplyTo.Add(new MailboxAddress("Billing", "billing.desk@gmail.com"));
        content.To.Add(new MailboxAddress("", "friend@partner.example"));
        content.Subject = "Invoice 2211";
        content.Body = new TextPart("plain") { Text = "Please find the invoice for November attached to our next mail." };
        return services.GetRequiredService<ScoringPipeline>().Score(new MessageUnderReview
        {
            MessageId = "foreign-from",
            Account = Account,
            EnvelopeSender = Account.Address,
            Recipients = ["friend@partner.example"],
            ClientAddress = IPAddress.Parse("203.0.113.5"),
            SessionId = "f1",
            Content = content,
        });
    }

    [Fact]
    public void A_configured_content_weight_changes_the_verdict()
    {
        // 20 for the From domain and 20 for the Reply-To make 40, the throttle threshold.
        var defaults = ForeignFromWithFreeMailReplyTo(new Dictionary<string, string?>());
        Assert.Equal(VerdictAction.Throttle, defaults.Action);
        Assert.Equal(40, defaults.Score);

        var configured = ForeignFromWithFreeMailReplyTo(new Dictionary<string, string?> { ["OutboundGuard:Scoring:Content:ForeignFromWeight"] = "4" });
        Assert.Equal(VerdictAction.Relay, configured.Action);
        Assert.Equal(24, configured.Score);
        Assert.Contains(configured.Evidence, e => e is { Detector: "content", Weight: 4 } && e.Text == "From domain elsewhere.example is not owned by tenant tenant.example");
    }

    /// <summary>Each option of every detector, set through configuration to a value of its own, reaches the bound options.</summary>
    [Fact]
    public void Every_detector_option_is_bound_from_its_key()
    {
        var settings = new Dictionary<string, string?>();
        int n = 0;
        foreach (var (section, property, _) in Options(new ScoringOptions()))
        {
            settings[$"OutboundGuard:Scoring:{section}:{property.Name}"] = (1000 + ++n).ToString(CultureInfo.InvariantCulture);
        }

        using var services = Scoring(settings, new FakeTimeProvider(Start));
        var bound = services.GetRequiredService<ScoringPolicy>().Options;
        n = 0;
        foreach (var (section, property, value) in Options(bound))
        {
            Assert.True(Convert.ToDouble(value, CultureInfo.InvariantCulture) == 1000 + ++n, $"{section}:{property.Name} is {value}");
        }
    }

    [Fact]
    public void A_negative_configured_value_is_refused_naming_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OutboundGuard:Scoring:Volume:BaselineRatio"] = "-1" }).Build();
        var options = configuration.GetSection(ScoringOptions.SectionName).Get<ScoringOptions>()!;
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Equal("OutboundGuard:Scoring:Volume:BaselineRatio must be a number of 0 or more (it is -1).", error.Message);
    }

    /// <summary>Each option's row in docs/configuration.md, rendered from the options classes' defaults.</summary>
    public static TheoryData<string> DocumentedDefaults() => [.. Rows()];

    private static List<string> Rows()
    {
        var rows = new List<string>();
        foreach (var (section, property, value) in Options(new ScoringOptions()))
        {
            rows.Add($"| `{section}:{property.Name}` | {Convert.ToString(value, CultureInfo.InvariantCulture)} |");
        }

        return rows;
    }

    /// <summary>Every property of every detector's options in <paramref name="options"/>, with its section key and value.</summary>
    private static IEnumerable<(string Section, PropertyInfo Property, object? Value)> Options(ScoringOptions options)
        => options.DetectorOptions().SelectMany(d => d.Options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (d.Key, p, p.GetValue(d.Options))));

    [Theory]
    [MemberData(nameof(DocumentedDefaults))]
    public void Every_detector_option_is_documented_with_its_default(string row)
    {
        Assert.Contains(row, ConfigurationDoc());
    }

    [Fact]
    public void The_documented_detector_options_all_exist()
    {
        string[] sections = [.. new ScoringOptions().DetectorOptions().Select(d => $"| `{d.Key}:")];
        var documented = ConfigurationDoc().Split('\n').Where(l => sections.Any(s => l.StartsWith(s, StringComparison.Ordinal)))
            .Select(l => l[..(l.IndexOf('|', l.IndexOf('|', 2) + 1) + 1)]).ToList();
        Assert.Equal(Rows().Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    private static string ConfigurationDoc()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OutboundGuard.sln")))
        {
            directory = directory.Parent;
        }

        return File.ReadAllText(Path.Combine(directory!.FullName, "docs", "configuration.md"));
    }
}
