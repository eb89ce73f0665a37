using OutboundGuard.Scoring.Simulation;
using Xunit.Abstractions;

namespace OutboundGuard.Scoring.Tests.Simulation;

public class TrafficSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void A_simulated_week_contains_every_attack_and_spares_legitimate_senders()
    {
        SimulationReport report = TrafficSimulation.Run(new SimulationOptions { OrdinaryAccounts = 1000, NewsletterAccounts = 20, Days = 7, WarmUpDays = 3 });
        output.WriteLine(report.ToString());

        AttackReport hijack = report.Attack(TrafficSimulation.Hijack);
        Assert.InRange(hijack.FirstThrottleAt, 1, 12);
        Assert.InRange(hijack.FirstSuspensionAt, 1, 20);
        Assert.True(hijack.Relayed < 20);

        Assert.InRange(report.Attack(TrafficSimulation.FreshPhishing).RelayedAfterFirst, 0, 10);
        Assert.Equal(0, report.LegitimateAccountsSuspended);
        Assert.True(report.DeferredShare < 0.005, $"deferred share {report.DeferredShare:P3}");
        Assert.True(report.LegitimateAccounts >= 1000);
    }
}
