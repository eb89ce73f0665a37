using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OutboundGuard.Smtp.Session;

namespace OutboundGuard.Smtp.Hosting;

/// <summary>Binds the SMTP listeners on Kestrel.</summary>
public static class SmtpKestrelExtensions
{
    /// <summary>Binds every listener of the registered <see cref="SmtpOptions"/> (see <see cref="SmtpServiceCollectionExtensions.AddSmtpServer(IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>).</summary>
    public static KestrelServerOptions ListenSmtp(this KestrelServerOptions kestrel)
        => kestrel.ListenSmtp(kestrel.ApplicationServices.GetRequiredService<IOptions<SmtpOptions>>().Value);

    /// <summary>
    /// Binds each of <paramref name="options"/>' listeners to <see cref="SmtpConnectionHandler"/>, passing the
    /// listener's mode to the sessions. <paramref name="configure"/> sees each Kestrel endpoint before the SMTP
    /// handler is added, e.g. to read the port actually bound when the endpoint asked for port 0, or to add connection
    /// middleware.
    /// </summary>
    public static KestrelServerOptions ListenSmtp(this KestrelServerOptions kestrel, SmtpOptions options, Action<SmtpListenerOptions, ListenOptions>? configure = null)
    {
        foreach (var listener in options.Listeners)
        {
            var parsed = IPEndPoint.Parse(listener.Endpoint);
            var endPoint = new SmtpEndPoint(parsed.Address, parsed.Port, inlineCompletions: listener.Mode != SmtpListenerMode.ImplicitTls);
            var mode = listener.Mode;
            var proxy = listener.ProxyProtocol;
            kestrel.Listen(endPoint, listen =>
            {
                listen.Protocols = HttpProtocols.None;
                listen.Use(next => connection =>
                {
                    connection.Features.Set(new SmtpListenerFeature(mode, proxy));
                    return next(connection);
                });
                configure?.Invoke(listener, listen);
                listen.UseConnectionHandler<SmtpConnectionHandler>();
            });
        }

        return kestrel;
    }
}
