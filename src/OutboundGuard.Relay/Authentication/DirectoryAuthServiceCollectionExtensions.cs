using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OutboundGuard.Storage.AuthSources;

namespace OutboundGuard.Relay.Authentication;

/// <summary>Registers AUTH against tenants' sources: one <see cref="IPasswordVerifier"/> per kind and the <see cref="TenantAuthenticator"/>.</summary>
public static class DirectoryAuthServiceCollectionExtensions
{
    public static IServiceCollection AddDirectoryAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DirectoryAuthOptions>().Bind(configuration.GetSection(DirectoryAuthOptions.Section))
            .Validate(o => o.Timeout > TimeSpan.Zero, $"{DirectoryAuthOptions.Section}:Timeout must be positive, e.g. 00:00:05.")
            .ValidateOnStart();
        services.AddSingleton<TenantAuthSourceRepository>();
        services.AddSingleton<DirectoryAccountRepository>();
        services.AddSingleton<IPasswordVerifier, LocalPasswordVerifier>();
        services.AddSingleton<IPasswordVerifier, DovecotPasswordVerifier>();
        services.AddSingleton<IPasswordVerifier, LdapPasswordVerifier>();
        services.AddSingleton<TenantAuthenticator>();
        return services;
    }
}
