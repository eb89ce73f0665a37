using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Testing.Logging;
using OutboundGuard.Testing.Smtp;

namespace OutboundGuard.Smtp.Tests.Support;

/// <summary>A real Kestrel host with one SMTP listener on 127.0.0.1, a free port, and a recording relay handler.</summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SmtpTestServer(WebApplication app, IPEndPoint endPoint, RecordingRelayHandler relay, TestLoggerProvider logs, FakeTimeProvider? time)
    {
        _app = app;
        EndPoint = endPoint;
        Relay = relay;
        Logs = logs;
        Time = time;
    }

    public IPEndPoint EndPoint { get; }

    public RecordingRelayHandler Relay { get; }

    public TestLoggerProvider Logs { get; }

    /// <summary>The fake clock, when the server was started with one.</summary>
    public FakeTimeProvider? Time { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server. By default: plain listener with STARTTLS offered (test certificate), AUTH failure delay 0,
    /// clients identified as a connector. <paramref name="listen"/> sees the Kestrel endpoint, e.g. to add connection middleware.
    /// </summary>
    public static async Task<SmtpTestServer> StartAsync(
        Action<SmtpOptions>? configure = null,
        SmtpListenerMode mode = SmtpListenerMode.Plain,
        bool tls = true,
        FakeTimeProvider? time = null,
        Action<RecordingRelayHandler>? relaySetup = null,
        Action<ListenOptions>? listen = null)
    {
        var options = new SmtpOptions { ServerName = "mx.test.example" };
        options.Listeners.Add(new SmtpListenerOptions { Endpoint = "127.0.0.1:0", Mode = mode });
        if (tls)
        {
            options.CertificatePath = TestCertificate.CertificatePath;
            options.PrivateKeyPath = TestCertificate.PrivateKeyPath;
        }

        options.Limits.AuthFailureDelay = TimeSpan.Zero;
        configure?.Invoke(options);

        var relay = new RecordingRelayHandler();
        relaySetup?.Invoke(relay);
        var logs = new TestLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        if (time is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(time);
        }

        builder.Services.AddSingleton<ISmtpRelayHandler>(relay);
        builder.Services.AddSmtpServer(o => Copy(options, o));
        ListenOptions? bound = null;
        builder.WebHost.ConfigureKestrel(k => k.ListenSmtp(options, (_, endpoint) =>
        {
            bound = endpoint;
            listen?.Invoke(endpoint);
        }));
        var app = builder.Build();
        await app.StartAsync();
        return new SmtpTestServer(app, bound!.IPEndPoint!, relay, logs, time);
    }

    /// <summary>Connects a raw client without reading the greeting.</summary>
    public Task<RawSmtpClient> ConnectRawAsync() => RawSmtpClient.ConnectAsync(EndPoint);

    /// <summary>Connects, reads the greeting and says EHLO; returns the client ready for MAIL.</summary>
    public async Task<RawSmtpClient> ConnectAndGreetAsync(string ehlo = "client.example")
    {
        var client = await ConnectRawAsync();
        await client.ReadReplyAsync();
        await client.CommandAsync($"EHLO {ehlo}");
        return client;
    }

    /// <summary>Stops the host (graceful shutdown).</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void Copy(SmtpOptions from, SmtpOptions to)
    {
        to.ServerName = from.ServerName;
        to.Listeners = from.Listeners;
        to.CertificatePath = from.CertificatePath;
        to.PrivateKeyPath = from.PrivateKeyPath;
        to.DevelopmentCertificate = from.DevelopmentCertificate;
        to.AllowAuthWithoutTls = from.AllowAuthWithoutTls;
        to.RequestClientCertificate = from.RequestClientCertificate;
        to.TlsSessionResumption = from.TlsSessionResumption;
        to.Limits = from.Limits;
        to.TrustedProxies = from.TrustedProxies;
        to.ProxyHeaderTimeout = from.ProxyHeaderTimeout;
    }
}
