using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Detectors;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Relay;
using OutboundGuard.Storage.Accounts.Learning;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Tests.Onboarding;

/// <summary>
/// <c>accounts learn</c> over Postfix and Exim logs written here (lines as the MTAs write them): known accounts get
/// their usual hourly volume, the volume detector then takes it as the baseline, unknown users are only reported.
/// </summary>

public sealed class AccountBaselineLearnerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("og-learn-").FullName;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Postfix submission: smtpd (sasl_username), cleanup, qmgr (nrcpt), smtp, removed; RFC 3339 or classic syslog times.</summary>
    private static void Postfix(StringBuilder log, DateTimeOffset at, string queueId, string user, int recipients, bool classic)
    {
        // Classic syslog pads the day with a space ("Mar  5 09:15:01"); rsyslog's RFC 3339 format has the year and offset.
        var time = classic
            ? string.Create(CultureInfo.InvariantCulture, $"{at:MMM} {at.Day,2} {at:HH:mm:ss}")
            : at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff+00:00", CultureInfo.InvariantCulture);
        log.Append(CultureInfo.InvariantCulture, $"{time} mx1 postfix/submission/smtpd[4211]: {queueId}: client=office.example[198.51.100.20], sasl_method=PLAIN, sasl_username={user}\n");
        log.Append(CultureInfo.InvariantCulture, $"{time} mx1 postfix/cleanup[4215]: {queueId}: message-id=<{queueId}@office.example>\n");
        log.Append(CultureInfo.InvariantCulture, $"{time} mx1 postfix/qmgr[1032]: {queueId}: from=<{user}>, size=4821, nrcpt={recipients} (queue active)\n");
        log.Append(CultureInfo.InvariantCulture, $"{time} mx1 postfix/smtp[4220]: {queueId}: to=<client@example.org>, relay=mx.example.org[192.0.2.25]:25, delay=0.4, delays=0.1/0/0.1/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n");
        log.Append(CultureInfo.InvariantCulture, $"{time} mx1 postfix/qmgr[1032]: {queueId}: removed\n");
    }

    /// <summary>Exim main log: arrival (A=authenticator:user, T="…" with " for " in it), deliveries, Completed.</summary>
    private static void Exim(StringBuilder log, DateTimeOffset at, string id, string user, int recipients)
    {
        var time = at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        log.Append(CultureInfo.InvariantCulture, $"{time} {id} <= {user} H=(laptop) [203.0.113.9] P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:{user} S=2210 id=m{id}@laptop T=\"Quote for the new roof\"\n");
        for (var r = 0; r < recipients; r++)
        {
            log.Append(CultureInfo.InvariantCulture, $"{time} {id} {(r == 0 ? "=>" : "->")} buyer{r}@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.40] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C=\"250 OK\"\n");
        }

        log.Append(CultureInfo.InvariantCulture, $"{time} {id} Completed\n");
    }

    private static IEnumerable<DateTimeOffset> Spread(DateTimeOffset hour, int count) => Enumerable.Range(0, count).Select(i => hour.AddSeconds(3600.0 * i / count));

    [Fact]
    public async Task Learned_logs_become_the_baseline_the_volume_detector_uses()
    {
        var tenant = $"learn{Guid.NewGuid():N}"[..12] + ".example";
        var accounts = new AccountRepository(postgres.DataSource);
        foreach (var name in new[] { "steady", "quiet", "fresh" })
        {
            await accounts.AddAsync($"{name}@{tenant}", tenant, null, "test");
        }

        var lastHour = new DateTimeOffset(_now.Year, _now.Month, _now.Day, _now.Hour, 0, 0, TimeSpan.Zero).AddHours(-4);
        var longAgo = lastHour.AddDays(-45);

        // Postfix: steady@ sends 300 messages an hour for three hours, two recipients each, and once 45 days ago.
        var older = new StringBuilder();
        Postfix(older, longAgo, "3Q1F0C12AB", $"steady@{tenant}", 1, classic: true);
        var postfix = new StringBuilder();
        var n = 0;
        for (var h = 0; h < 3; h++)
        {
            foreach (var at in Spread(lastHour.AddHours(h), 300))
            {
                Postfix(postfix, at, $"4F{n++:X8}", $"steady@{tenant}", 2, classic: false);
            }
        }

        Postfix(postfix, lastHour, "4FFFFFFFF1", $"nobody@{tenant}", 1, classic: false);

        // Exim: quiet@ sends 20 an hour for three hours, three recipients each, and once 45 days ago.
        var exim = new StringBuilder();
        Exim(exim, longAgo, "1tAAAA-000AAA-AA", $"quiet@{tenant}", 1);
        for (var h = 0; h < 3; h++)
        {
            foreach (var at in Spread(lastHour.AddHours(h), 20))
            {
                Exim(exim, at, $"1t{n++:X4}-000B{h}C-D{h}", $"quiet@{tenant}", 3);
            }
        }

        var files = new[] { ("mail.log.1", older), ("mail.log", postfix), ("mainlog", exim) };
        var reader = new MailLogReader(_now);
        var entries = new List<MailLogEntry>();
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(_folder, name);
            await File.WriteAllTextAsync(path, text.ToString());
            foreach (var line in await File.ReadAllLinesAsync(path))
            {
                if (reader.Read(line) is { } entry)
                {
                    entries.Add(entry);
                }
            }
        }

        entries.AddRange(reader.Complete());
        var learner = new AccountBaselineLearner(postgres.DataSource);
        var report = await learner.LearnAsync(entries, reader.Lines, files.Select(f => f.Item1).ToList(), "test");
        var rerun = await learner.LearnAsync(entries, reader.Lines, files.Select(f => f.Item1).ToList(), "test");

        Assert.Equal(901 + 61 + 1, report.Messages);
        Assert.Equal([$"quiet@{tenant}", $"steady@{tenant}"], report.Learned.Select(l => l.User));
        Assert.Equal($"nobody@{tenant}", Assert.Single(report.Unknown).User);
        Assert.Equal(report.Learned, rerun.Learned);
        Assert.Null(await accounts.FindAsync($"nobody@{tenant}"));

        var steady = (await accounts.FindAsync($"steady@{tenant}"))!;
        var quiet = (await accounts.FindAsync($"quiet@{tenant}"))!;
        var fresh = (await accounts.FindAsync($"fresh@{tenant}"))!;
        Assert.Equal((300.0, 600.0), (steady.UsualMessagesPerHour, steady.UsualRecipientsPerHour));
        Assert.Equal((20.0, 60.0), (quiet.UsualMessagesPerHour, quiet.UsualRecipientsPerHour));
        Assert.Equal(longAgo, steady.CreatedAt);
        Assert.Null(fresh.UsualMessagesPerHour);

        // 250 messages in the hour now, on a node that has not seen any of them send yet.
        Assert.Empty(VolumeFindingsAt250PerHour(steady));
        Assert.Contains(VolumeFindingsAt250PerHour(quiet), f => f.Contains("250 messages in 1 h,", StringComparison.Ordinal) && f.Contains("× this account's usual 20 at this hour", StringComparison.Ordinal));
        Assert.Contains(VolumeFindingsAt250PerHour(fresh), f => f.Contains("messages in 1 h, limit 30 (new account at 10 %", StringComparison.Ordinal));
    }

    private List<string> VolumeFindingsAt250PerHour(AccountRecord account)
    {
        var clock = new FakeTimeProvider(_now);
        var tracker = new AccountActivityTracker(clock);
        var profile = account.ToProfile(AccountLimits.Default);
        AccountHistory history = null!;
        for (var i = 0; i < 250; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(14));
            history = tracker.RecordAttempt(new MessageUnderReview
            {
                MessageId = Guid.NewGuid().ToString(),
                Account = profile,
                EnvelopeSender = account.Address,
                Recipients = [$"customer{i}@example.org"],
                ClientAddress = IPAddress.Parse("198.51.100.20"),
                SessionId = "s" + (i / 20).ToString(CultureInfo.InvariantCulture),
            });
        }

        var findings = new List<Evidence>();
        new VolumeDetector().Inspect(new MessageUnderReview
        {
            MessageId = "last",
            Account = profile,
            EnvelopeSender = account.Address,
            Recipients = ["customer@example.org"],
            ClientAddress = IPAddress.Parse("198.51.100.20"),
            SessionId = "last",
        }, history, findings);
        return findings.Select(f => f.Text).ToList();
    }
}
