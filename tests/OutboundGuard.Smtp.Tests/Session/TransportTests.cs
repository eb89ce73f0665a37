using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Session;
using OutboundGuard.Smtp.Tests.Support;
using OutboundGuard.Testing.Smtp;

namespace OutboundGuard.Smtp.Tests.Session;

/// <summary>
/// The SMTP transport: plaintext sessions run on the socket's I/O thread, the relay is called from pool threads
/// where it may block, TLS sessions never run there, and HTTP endpoints on the same server are not affected.
/// </summary>
public class TransportTests
{
    [Fact]
    public void Inline_socket_completions_can_be_switched_per_socket_on_this_runtime()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.True(SocketCompletions.TrySetInline(socket, true));
        Assert.True(GetPreferInlineCompletions(socket));
        Assert.True(SocketCompletions.TrySetInline(socket, false));
        Assert.False(GetPreferInlineCompletions(socket));
    }

    [Fact]
    public async Task A_plaintext_session_completes_its_reads_inline_until_STARTTLS()
    {
        var options = new SmtpOptions { ServerName = "mx.test.example", CertificatePath = TestCertificate.CertificatePath, PrivateKeyPath = TestCertificate.PrivateKeyPath };
        options.Listeners.Add(new SmtpListenerOptions { Endpoint = "127.0.0.1:0" });
        var sockets = new ConcurrentQueue<Socket>();
        await using var app = await StartAsync(options, new RecordingRelayHandler(), (_, listen) => listen.Use(next => connection =>
        {
            sockets.Enqueue(connection.Features.Get<IConnectionSocketFeature>()!.Socket);
            return next(connection);
        }), out var endPoint);
        await using var client = await RawSmtpClient.ConnectAsync(endPoint());
        await client.ReadReplyAsync();
        Assert.StartsWith("250-", await client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        var socket = Assert.Single(sockets);
        Assert.True(GetPreferInlineCompletions(socket));

        Assert.StartsWith("220 ", await client.CommandAsync("STARTTLS"), StringComparison.Ordinal);
        await client.StartTlsAsync();
        Assert.StartsWith("250-", await client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.False(GetPreferInlineCompletions(socket));
    }

    [Fact]
    public async Task A_relay_that_may_block_opens_and_completes_messages_on_pool_threads()
    {
        await using var server = await SmtpTestServer.StartAsync();
        for (var session = 0; session < 3; session++)
        {
            await using var client = await server.ConnectAndGreetAsync();
            for (var message = 0; message < 3; message++)
            {
                await SendMessageAsync(client);
                await server.Relay.NextMessageAsync();
            }
        }

        var calls = server.Relay.Threads.Where(c => c.Call is "OPEN" or "COMPLETE").ToList();
        Assert.Equal(18, calls.Count);
        Assert.All(calls, c => Assert.True(c.OnPoolThread, c.Call));
    }

    [Fact]
    public async Task After_STARTTLS_the_session_never_runs_on_the_socket_thread()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await server.ConnectAndGreetAsync();
        Assert.StartsWith("220 ", await client.CommandAsync("STARTTLS"), StringComparison.Ordinal);
        await client.StartTlsAsync();
        await client.CommandAsync("EHLO client.example");
        await SendMessageAsync(client);
        await server.Relay.NextMessageAsync();

        var calls = server.Relay.Threads.ToList();
        Assert.Equal(["IDENTIFY", "IDENTIFY", "MAIL", "RCPT", "OPEN", "COMPLETE"], calls.Select(c => c.Call));
        Assert.All(calls, c => Assert.True(c.OnPoolThread, c.Call));
    }

    [Fact]
    public async Task An_HTTP_endpoint_on_the_same_server_keeps_the_host_transport_and_works()
    {
        var options = new SmtpOptions { ServerName = "mx.test.example" };
        options.Listeners.Add(new SmtpListenerOptions { Endpoint = "127.0.0.1:0" });
        ListenOptions? http = null;
        await using var app = await StartAsync(options, new RecordingRelayHandler(), null, out var endPoint, k => k.Listen(IPAddress.Loopback, 0, listen => http = listen));
        await using var client = await RawSmtpClient.ConnectAsync(endPoint());
        Assert.StartsWith("220 mx.test.example ESMTP", await client.ReadReplyAsync(), StringComparison.Ordinal);
        using var httpClient = new HttpClient();
        Assert.Equal("http ok", await httpClient.GetStringAsync(new Uri($"http://127.0.0.1:{http!.IPEndPoint!.Port}/")));
    }

    /// <summary>A host with the SMTP listeners of <paramref name="options"/>, a "/" HTTP route and whatever else <paramref name="kestrel"/> adds.</summary>
    private static Task<WebApplication> StartAsync(
        SmtpOptions options,
        ISmtpRelayHandler relay,
        Action<SmtpListenerOptions, ListenOptions>? configure,
        out Func<IPEndPoint> smtpEndPoint,
        Action<KestrelServerOptions>? kestrel = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(relay);
        builder.Services.AddSmtpServer(o =>
        {
            o.ServerName = options.ServerName;
            o.Listeners = options.Listeners;
            o.CertificatePath = options.CertificatePath;
            o.PrivateKeyPath = options.PrivateKeyPath;
        });
        ListenOptions? smtp = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenSmtp(options, (listener, listen) =>
            {
                smtp = listen;
                configure?.Invoke(listener, listen);
            });
            kestrel?.Invoke(k);
        });
        var app = builder.Build();
        app.MapGet("/", () => "http ok");
        smtpEndPoint = () => smtp!.IPEndPoint!;
        return StartedAsync(app);
    }

    private static async Task<WebApplication> StartedAsync(WebApplication app)
    {
        await app.StartAsync();
        return app;
    }

    private static async Task SendMessageAsync(RawSmtpClient client)
    {
        Assert.Equal("250 2.1.0 Sender OK\r\n", await client.CommandAsync("MAIL FROM:<alice@tenant.example>"));
        Assert.Equal("250 2.1.5 Recipient OK\r\n", await client.CommandAsync("RCPT TO:<bob@example.org>"));
        Assert.StartsWith("354 ", await client.CommandAsync("DATA"), StringComparison.Ordinal);
        await client.SendAsync("Subject: threads\r\n\r\nbody\r\n.\r\n");
        Assert.Equal("250 2.0.0 Queued\r\n", await client.ReadReplyAsync());
    }

    private static bool GetPreferInlineCompletions(Socket socket) => GetPreferInlineCompletions(socket.SafeHandle);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_PreferInlineCompletions")]
    private static extern bool GetPreferInlineCompletions(SafeSocketHandle handle);
}
