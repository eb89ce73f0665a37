using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Session;

namespace OutboundGuard.Smtp.Hosting;

/// <summary>Registers the SMTP server. The host registers its own <see cref="Handoff.ISmtpRelayHandler"/>.</summary>
public static class SmtpServiceCollectionExtensions
{
    /// <summary>Registers the server with options bound from <paramref name="section"/> (normally "OutboundGuard:Smtp"), validated at start.</summary>
    public static IServiceCollection AddSmtpServer(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<SmtpOptions>().Bind(section);
        return services.AddSmtpServerCore();
    }

    /// <summary>Registers the server with options set in code, validated at start.</summary>
    public static IServiceCollection AddSmtpServer(this IServiceCollection services, Action<SmtpOptions> configure)
    {
        services.AddOptions<SmtpOptions>().Configure(configure);
        return services.AddSmtpServerCore();
    }

    private static IServiceCollection AddSmtpServerCore(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SmtpCertificateLoader>();
        services.TryAddSingleton<ClientCertificateTrust>();
        services.TryAddSingleton<AuthThrottle>();
        services.TryAddSingleton<SmtpConnectionLimiter>();
        services.TryAddSingleton<RefusedAddressBudget>();
        services.TryAddSingleton<Handoff.SmtpSessionRegistry>();
        services.TryAddSingleton<SmtpConnectionHandler>();

        // The SMTP listeners get their own socket transport (inline scheduling, see SmtpTransportFactory). The host's
        // default transport is registered first so that it stays in place for every other endpoint: Kestrel asks
        // the last registered transport first.
        services.TryAddSingleton<IConnectionListenerFactory, SocketTransportFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, SmtpTransportFactory>());
        return services;
    }
}
