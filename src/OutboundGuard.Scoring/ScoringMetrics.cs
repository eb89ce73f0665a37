using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OutboundGuard.Scoring;

/// <summary>
/// The scoring pipeline's instrument on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics): time spent
/// per message in each detector and in the stages around them. The host exports it (Prometheus at /metrics).
/// Nothing is timed while no listener is attached.
/// </summary>
public static class ScoringMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "OutboundGuard.Scoring";

    /// <summary>Histogram, seconds: one message's time in one stage, tagged <see cref="StageTag"/>.</summary>
    public const string StageDurationName = "outboundguard.scoring.stage.duration";

    /// <summary>
    /// The tag naming the stage: a detector's name (rate, volume, concurrency, url, content, campaign, linked,
    /// downstream), or links (reading the body and extracting its links), fingerprint (the body fingerprint and the
    /// campaign tracker) or policy.
    /// </summary>
    public const string StageTag = "detector";

    /// <summary>Stage name: reading the message body and extracting its links (HTML scan, normalisation).</summary>
    public const string LinksStage = "links";

    /// <summary>Stage name: the readable text, the body fingerprint and the campaign tracker.</summary>
    public const string FingerprintStage = "fingerprint";

    /// <summary>Stage name: the policy turning evidence into a verdict.</summary>
    public const string PolicyStage = "policy";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>(StageDurationName, "s", "Time one message spent in one scoring stage");

    /// <summary>A start time when the instrument is listened to, else 0 (nothing is timed).</summary>
    internal static long Start() => StageDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records the time since <paramref name="started"/> (from <see cref="Start"/>) for <paramref name="stage"/>.</summary>
    internal static void Stop(long started, string stage)
    {
        if (started != 0)
        {
            StageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>(StageTag, stage));
        }
    }
}
