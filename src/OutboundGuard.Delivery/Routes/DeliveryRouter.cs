using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OutboundGuard.Delivery.Routes;

/// <summary>
/// Picks the way out for a message's route: 'default' goes to the smarthost, 'high-risk' to the high-risk
/// smarthost (or the default one when none is configured), and with no smarthost at all everything goes
/// into the sink.
/// </summary>
internal sealed class DeliveryRouter : IAsyncDisposable
{
    public const string DefaultRoute = "default";
    public const string HighRiskRoute = "high-risk";

    private readonly IDeliveryRoute _default;
    private readonly IDeliveryRoute _highRisk;
    private readonly Dictionary<IDeliveryRoute, string> _remoteMta = [];

    public DeliveryRouter(IOptions<DeliveryOptions> options, SinkRoute sink, TimeProvider time, ILogger<DeliveryRouter> logger)
    {
        var value = options.Value;
        if (value.Smarthost is { } smarthost)
        {
            _default = new SmtpRoute(DefaultRoute, smarthost, value.ServerName, time, logger);
            _remoteMta[_default] = smarthost.Host;
        }
        else
        {
            _default = sink;
            Log.DeliveringIntoSink(logger, sink.Directory);
        }

        if (value.HighRiskSmarthost is { } highRisk)
        {
            _highRisk = new SmtpRoute(HighRiskRoute, highRisk, value.ServerName, time, logger);
            _remoteMta[_highRisk] = highRisk.Host;
        }
        else
        {
            _highRisk = _default;
            Log.HighRiskFallsBack(logger, _default.Name);
        }
    }

    /// <summary>The route for a message's route name; unknown names take the default route.</summary>
    public IDeliveryRoute For(string route) => string.Equals(route, HighRiskRoute, StringComparison.Ordinal) ? _highRisk : _default;

    /// <summary>The smarthost's host name for DSNs (Remote-MTA), or null for the sink.</summary>
    public string? RemoteMta(IDeliveryRoute route) => _remoteMta.GetValueOrDefault(route);

    public string Describe() =>
        $"default → {Describe(_default)}, high-risk → {Describe(_highRisk)}";

    private static string Describe(IDeliveryRoute route) => route switch
    {
        SmtpRoute smtp => smtp.Description,
        SinkRoute sink => $"sink {sink.Directory}",
        _ => route.Name,
    };

    public async ValueTask DisposeAsync()
    {
        if (_default is SmtpRoute smtp)
        {
            await smtp.DisposeAsync().ConfigureAwait(false);
        }

        if (_highRisk is SmtpRoute highRisk && !ReferenceEquals(_highRisk, _default))
        {
            await highRisk.DisposeAsync().ConfigureAwait(false);
        }
    }
}
