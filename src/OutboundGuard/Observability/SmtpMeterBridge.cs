using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using OutboundGuard.Smtp;

namespace OutboundGuard.Observability;

/// <summary>Feeds the SMTP box's System.Diagnostics.Metrics instruments into <see cref="OutboundGuardMetrics"/>.</summary>
internal sealed class SmtpMeterBridge(OutboundGuardMetrics metrics) : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SmtpMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            switch (instrument.Name)
            {
                case SmtpMetrics.ActiveSessionsName:
                    if (value >= 0)
                    {
                        metrics.SessionsActive.Inc(value);
                    }
                    else
                    {
                        metrics.SessionsActive.Dec(-value);
                    }

                    break;
                case SmtpMetrics.SessionsName:
                    metrics.Sessions.Inc(value);
                    break;
                case SmtpMetrics.RefusedName:
                    var reason = "other";
                    foreach (var tag in tags)
                    {
                        if (tag.Key == "reason" && tag.Value is string text)
                        {
                            reason = text;
                        }
                    }

                    metrics.ConnectionsRefused.WithLabels(reason).Inc(value);
                    break;
            }
        });
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
