using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using OutboundGuard.Scoring;
using Prometheus;

namespace OutboundGuard.Observability;

/// <summary>Feeds the scoring pipeline's per-stage timings (System.Diagnostics.Metrics) into <see cref="OutboundGuardMetrics"/>.</summary>
internal sealed class ScoringMeterBridge(OutboundGuardMetrics metrics) : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Histogram.Child> _stages = new(StringComparer.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ScoringMetrics.MeterName && instrument.Name == ScoringMetrics.StageDurationName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            var stage = "other";
            foreach (var tag in tags)
            {
                if (tag.Key == ScoringMetrics.StageTag && tag.Value is string name)
                {
                    stage = name;
                }
            }

            _stages.GetOrAdd(stage, static (s, m) => m.ScoringStages.WithLabels(s), metrics).Observe(seconds);
        });
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
