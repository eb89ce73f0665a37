using OutboundGuard.Replay.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace OutboundGuard.Replay.Tests.Simulation;

public class TrafficSimulationTests(ITestOutputHelper output)
{
    // Scaled from the documented million-message week (docs/detection.md) to two days of 1,000 ordinary accounts so the
    // test stays well under a minute on a busy machine. The acceptance is the week's: at most 4 legitimate messages held
    // or refused per million, which at this size means none.
    [Fact]
    public void Simulated_traffic_contains_every_attack_and_spares_legitimate_senders()
    {
        SimulationReport report = TrafficSimulation.Run(new SimulationOptions { OrdinaryAccounts = 1000, NewsletterAccounts = 20, Days = 2, WarmUpDays = 7 });
        output.WriteLine(report.ToString());

        // Pace alone never suspends (a throttle holds while a bot pushes), so the hijack is measured by what got out.
        AttackReport hijack = report.Attack(TrafficSimulation.Hijack);
        Assert.InRange(hijack.FirstThrottleAt, 1, 10);
        Assert.True(hijack.Relayed < 20, $"hijack relayed {hijack.Relayed}");

        Assert.InRange(report.Attack(TrafficSimulation.FreshPhishing).RelayedAfterFirst, 0, 10);
        Assert.Equal(25, report.Attack(TrafficSimulation.FreshPhishing).AccountsSuspended);
        Assert.True(report.Attack(TrafficSimulation.Campus).Relayed <= 10);
        Assert.Equal(0, report.Attack(TrafficSimulation.LowAndSlow).Relayed);

        Assert.Equal(0, report.LegitimateAccountsSuspended);
        Assert.Equal(0, report.LegitimateQuarantined + report.LegitimateRefused);
        Assert.True(report.DeferredShare < 0.003, $"deferred share {report.DeferredShare:P3}");
        Assert.True(report.LegitimateAccounts >= 1000);
        Assert.True(report.LegitimateMessages > 25_000, $"{report.LegitimateMessages} legitimate messages");
        foreach (string category in new[] { "ordinary", "MTA-submitted", "application", "newsletter", "young shop" })
        {
            Assert.Contains(report.Categories, c => c.Name.StartsWith(category, StringComparison.Ordinal) && c.Messages > 0);
        }
    }
}
