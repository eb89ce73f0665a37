using System.Globalization;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Generation;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Containment.Tests;

/// <summary>
/// Hold and rescan against a fresh-signup phishing campaign with varied texts: the same burst replayed against a relay
/// with holds off and one with holds on, counting the abusive messages that reached the smarthost.
/// </summary>
public sealed class HoldContainmentTests(ITestOutputHelper output)
{
    /// <summary>
    /// Longer than the replay takes, so every hold ends after the whole burst has been seen, as a 15 min hold does for a
    /// campaign sent within 15 min (the burst spans 10 min of captured time).
    /// </summary>
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Hold_and_rescan_lets_out_at_most_half_as_many_messages_of_a_fresh_signup_campaign_with_varied_texts()
    {
        var directory = Path.Combine(Path.GetTempPath(), "og-fresh-varied-" + Guid.NewGuid().ToString("N")[..8]);
        new BurstGenerator(null, seed: 1).Generate(BurstGenerator.FreshSignupsVariedName, directory);
        try
        {
            var without = await ReplayAsync(directory, HeldQueue.Settings(Hold, enabled: false));
            var with = await ReplayAsync(directory, HeldQueue.Settings(Hold));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fresh-signup campaign with varied texts ({without.Abusive} messages from 10 accounts): {without.Out} out without hold and rescan, {with.Out} out with it ({with.Held} held: {with.Released} released, {with.Quarantined} quarantined)."));

            Assert.True(without.Out > 0, "without holds nothing got out: the burst measures nothing");
            Assert.True(2 * with.Out <= without.Out, $"{with.Out} messages out with hold and rescan against {without.Out} without (aim: at most half).");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<Outcome> ReplayAsync(string directory, IReadOnlyDictionary<string, string> settings)
    {
        using var burst = BurstReader.Open(directory);
        var abusiveIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in burst.Entries.Where(e => e.IsAbusive))
        {
            abusiveIds.Add(MimeKit.HeaderList.Load(burst.ContentPath(entry)!)[MimeKit.HeaderId.MessageId]!.Trim().Trim('<', '>'));
        }

        await using var relay = await ContainmentRelay.StartAsync(settings);
        await relay.CliAsync(null, "bursts", "setup", directory);
        var (_, text) = await relay.ReplayAsync(directory);
        output.WriteLine(text);
        await HeldQueue.WaitUntilEmptyAsync(relay.DataDirectory, Hold + TimeSpan.FromMinutes(3));
        var delivered = await relay.DrainedSinkAsync();
        var holds = await HeldQueue.ReadAsync(relay.DataDirectory);
        var outCount = delivered.Select(ContainmentRelay.MessageIdOf).Count(id => id is not null && abusiveIds.Contains(id));
        return new Outcome(abusiveIds.Count, outCount, holds.Accounts.Values.Sum(a => a.Held), holds.Accounts.Values.Sum(a => a.Released), holds.Accounts.Values.Sum(a => a.Quarantined));
    }

    private sealed record Outcome(int Abusive, int Out, int Held, int Released, int Quarantined);
}
