using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Scoring.Tests;

public class ScoringMetricsTests
{
    [Fact]
    public void Scoring_a_message_times_every_detector_and_stage_for_a_listener()
    {
        var seen = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ScoringMetrics.MeterName && instrument.Name == ScoringMetrics.StageDurationName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == ScoringMetrics.StageTag && tag.Value is string stage)
                {
                    seen.AddOrUpdate(stage, seconds, (_, total) => total + seconds);
                }
            }
        });
        listener.Start();

        var clock = TestData.Clock();
        ScoringPipeline pipeline = ScoringPipeline.CreateDefault(new ScoringOptions(), clock);
        AccountProfile account = TestData.Account();
        pipeline.Score(TestData.Message(account, content: TestData.Mail(account.Address, "Report",
            "The quarterly report is ready for review at https://docs.example.com/q3 and the figures moved a little since last week.")));

        string[] expected = ["rate", "volume", "concurrency", "url", "content", "campaign", "linked", "downstream",
            ScoringMetrics.LinksStage, ScoringMetrics.FingerprintStage, ScoringMetrics.PolicyStage];
        Assert.All(expected, stage => Assert.True(seen.TryGetValue(stage, out double s) && s >= 0, $"no timing for {stage}"));
    }
}
