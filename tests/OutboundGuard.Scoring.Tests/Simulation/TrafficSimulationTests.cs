using OutboundGuard.Scoring.Simulation;
using Xunit.Abstractions;

namespace OutboundGuard.Scoring.Tests.Simulation;

public class TrafficSimulationTests(ITestOutputHelper output)
{
    // Scaled from the documented week (docs/detection.md) to two days so the test stays well under 30 s on a busy machine.
    [Fact]
    public void Simulated_traffic_contains_every_attack_and_spares_legitimate_senders()
    {
        SimulationReport report = TrafficSimulation.Run(new SimulationOptions { OrdinaryAccounts = 1000, NewsletterAccounts = 20, Days = 2, WarmUpDays = 7 });
        output.WriteLine(report.ToString());

        AttackReport hijack = report.Attack(TrafficSimulation.Hijack);
        Assert.InRange(hijack.FirstThrottleAt, 1, 10);
        // Pace alone throttles and holds the throttle while the bot pushes; it never suspends (an MTA pushing its queue looks alike).
        Assert.True(hijack.Relayed < 20);

        Assert.InRange(report.Attack(TrafficSimulation.FreshPhishing).RelayedAfterFirst, 0, 10);
        Assert.Equal(25, report.Attack(TrafficSimulation.FreshPhishing).AccountsSuspended);
        Assert.True(report.Attack(TrafficSimulation.Campus).Relayed <= 10);
        Assert.Equal(0, report.Attack(TrafficSimulation.LowAndSlow).Relayed);
        Assert.Equal(1, report.Attack(TrafficSimulation.LowAndSlow).AccountsSuspended);
        Assert.Equal(0, report.LegitimateAccountsSuspended);
        Assert.True(report.DeferredShare < 0.005, $"deferred share {report.DeferredShare:P3}");
        Assert.True(report.LegitimateAccounts >= 1000);
        Assert.True(report.LegitimateMessages > 25_000, $"{report.LegitimateMessages} legitimate messages");
    }
}
