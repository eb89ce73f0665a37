using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Hosting;

namespace OutboundGuard.Replay;

/// <summary>
/// The test-only replay clock: with <c>OutboundGuard:Testing:ReplayClock=true</c> the relay's TimeProvider
/// (scoring, throttle cool-downs, account gate) becomes a <see cref="ReplayTimeProvider"/> advanced by the
/// replayer's <c>X-OutboundGuard-Replay-Time</c> headers, which <see cref="ReplayClockScorer"/> reads in place of
/// the plain scorer. Call it after every other registration: the last TimeProvider and scorer win. Off by default; refused in production, where a
/// client could otherwise move the relay's clock.
/// </summary>
internal static class ReplayClockRegistration
{
    public const string Key = "OutboundGuard:Testing:ReplayClock";

    /// <exception cref="ArgumentException">The replay clock is enabled while OutboundGuard:Environment is Production.</exception>
    public static IServiceCollection AddReplayClock(this IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>(Key))
        {
            return services;
        }

        if (HostLogging.IsProduction(configuration))
        {
            throw new ArgumentException($"{Key} is a test-only mode and is refused when OutboundGuard:Environment is Production: with it, any client could move the relay's clock. Remove the key or run outside production.");
        }

        Serilog.Log.Warning("Replay clock enabled ({Key}): the relay's time follows the X-OutboundGuard-Replay-Time header of submitted messages; never use this in production", Key);
        services.AddSingleton(_ => new ReplayTimeProvider(TimeProvider.System));
        services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<ReplayTimeProvider>());
        services.AddSingleton<OutboundGuard.Relay.IMessageScorer, ReplayClockScorer>();
        return services;
    }
}
