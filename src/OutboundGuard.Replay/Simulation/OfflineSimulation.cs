using System.Net;
using MimeKit;
using OutboundGuard.Domain;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Generation;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Replay.Simulation;

/// <summary>
/// Runs a burst through a fresh scoring pipeline in-process, the clock at each message's captured time, and
/// acts on the verdicts as the relay would (a suspended account is refused before scoring, a throttled one is
/// deferred until its cool-down ends). Nothing is sent and nothing is stored.
/// </summary>
public static class OfflineSimulation
{
    private static readonly ParserOptions Parsing = new() { MaxMimeDepth = 32, AllowAddressesWithoutDomain = true, RespectContentLength = false };

    public static IReadOnlyList<OfflineAccountOutcome> Run(Burst burst, ScoringOptions options)
    {
        var start = BurstGenerator.Epoch;
        var clock = new SimulatedClock(start);
        var pipeline = ScoringPipeline.CreateDefault(options, clock);
        var accounts = burst.AccountAddresses.Select((a, i) => (Address: a, Id: (long)i + 1)).ToDictionary(a => a.Address, a => a.Id, StringComparer.OrdinalIgnoreCase);
        var state = accounts.Keys.ToDictionary(a => a, _ => new Tally(), StringComparer.OrdinalIgnoreCase);
        foreach (var entry in burst.Entries)
        {
            var now = start + TimeSpan.FromMilliseconds(entry.OffsetMs);
            clock.MoveTo(now);
            var tally = state[entry.Account];
            tally.Messages++;
            if (tally.Suspended)
            {
                tally.Refused++;
                continue;
            }

            var throttled = tally.ThrottledUntil is { } until && until > now;
            var review = new MessageUnderReview
            {
                MessageId = $"{burst.Name}-{tally.Messages}",
                Account = Profile(burst, entry.Account, accounts[entry.Account], start, tally, throttled),
                EnvelopeSender = entry.EffectiveMailFrom,
                Recipients = entry.RcptTo,
                ClientAddress = OutboundGuard.Replay.Replaying.ClientAddressMap.Loopback(entry.ClientIp) ?? IPAddress.Loopback,
                SessionId = entry.Account,
                Content = Load(burst.ContentPath(entry)),
                SizeOctets = burst.ContentPath(entry) is { } p ? new FileInfo(p).Length : 0,
            };
            Verdict verdict;
            using (review.Content)
            {
                verdict = pipeline.Score(review);
            }

            var action = verdict.Action < VerdictAction.Throttle && throttled ? VerdictAction.Throttle : verdict.Action;
            switch (action)
            {
                case VerdictAction.Relay or VerdictAction.HighRiskRoute:
                    tally.Relayed++;
                    if (tally.FirstContainment is null)
                    {
                        tally.RelayedBeforeContainment++;
                    }

                    break;
                case VerdictAction.Throttle:
                    tally.Throttled++;
                    if (!throttled)
                    {
                        tally.ThrottledUntil = now + options.ThrottleCoolDown;
                    }

                    break;
                case VerdictAction.Quarantine:
                    tally.Quarantined++;
                    break;
                default:
                    tally.Refused++;
                    tally.Suspended = true;
                    break;
            }

            if (action >= VerdictAction.Throttle)
            {
                tally.FirstContainment ??= $"{action} after {tally.Messages - 1} message(s): {verdict.Reason}";
            }
        }

        return [.. state.Select(s => new OfflineAccountOutcome
        {
            Account = s.Key,
            Abusive = burst.IsAbusive(s.Key),
            Messages = s.Value.Messages,
            Relayed = s.Value.Relayed,
            RelayedBeforeContainment = s.Value.RelayedBeforeContainment,
            Throttled = s.Value.Throttled,
            Quarantined = s.Value.Quarantined,
            Refused = s.Value.Refused,
            Suspended = s.Value.Suspended,
            FirstContainment = s.Value.FirstContainment,
        })];
    }

    private static AccountProfile Profile(Burst burst, string address, long id, DateTimeOffset start, Tally tally, bool throttled)
    {
        var setup = burst.AccountSetup(address);
        var limits = setup?.Limits;
        var d = AccountLimits.Default;
        return new AccountProfile
        {
            Id = id,
            Address = address.ToLowerInvariant(),
            Tenant = address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..].ToLowerInvariant(),
            State = throttled ? AccountState.Throttled : AccountState.Active,
            Limits = new AccountLimits(
                limits?.MessagesPerMinute ?? d.MessagesPerMinute, limits?.MessagesPerHour ?? d.MessagesPerHour,
                limits?.RecipientsPerMinute ?? d.RecipientsPerMinute, limits?.RecipientsPerHour ?? d.RecipientsPerHour,
                limits?.RecipientsPerDay ?? d.RecipientsPerDay),
            CreatedAt = start - TimeSpan.FromDays(setup?.CreatedDaysAgo ?? 365),
            ThrottledUntil = throttled ? tally.ThrottledUntil : null,
        };
    }

    private static MimeMessage? Load(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            return MimeMessage.Load(Parsing, stream);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed class Tally
    {
        public int Messages, Relayed, RelayedBeforeContainment, Throttled, Quarantined, Refused;
        public bool Suspended;
        public DateTimeOffset? ThrottledUntil;
        public string? FirstContainment;
    }
}
