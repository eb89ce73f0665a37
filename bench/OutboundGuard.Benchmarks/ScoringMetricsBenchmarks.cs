using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Policy;

namespace OutboundGuard.Benchmarks;

/// <summary>The whole pipeline on a parsed 10 KB message with and without a listener on the per-stage timings (their overhead).</summary>
[MemoryDiagnoser]
public class ScoringMetricsBenchmarks
{
    private byte[] _raw = [];
    private ScoringPipeline _pipeline = null!;
    private MeterListener? _listener;
    private long _account;
    private double _sink;

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _raw = Messages.Typical(10 * 1024);
        _pipeline = ScoringPipeline.CreateDefault(new ScoringOptions(), TimeProvider.System);
        if (Listening)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == ScoringMetrics.MeterName)
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => _sink += seconds);
            _listener.Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _listener?.Dispose();

    [Benchmark(Description = "whole pipeline (parse + score)")]
    public Verdict Pipeline() => _pipeline.Score(Messages.Review(Messages.Parse(_raw), ++_account, _raw.Length));
}
