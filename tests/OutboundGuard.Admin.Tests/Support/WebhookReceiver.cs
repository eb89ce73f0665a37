using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OutboundGuard.Admin.Tests.Support;

/// <summary>A real HTTP receiver on 127.0.0.1:0 that fails the first <c>failures</c> requests with 503, then records each body and replies 200; every request's body and signature headers are kept in <see cref="Arrived"/>.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Received { get; } = new();

    /// <summary>Every request as it arrived (failed ones too): the exact body bytes and the signature headers.</summary>
    public ConcurrentQueue<(byte[] Body, string? Timestamp, string? Signature, string? Delivery)> Arrived { get; } = new();

    public int Requests => Volatile.Read(ref _requests);

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync(int failures)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var n = Interlocked.Increment(ref receiver._requests);
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var bytes = buffer.ToArray();
            var body = System.Text.Encoding.UTF8.GetString(bytes);
            receiver.Arrived.Enqueue((bytes, request.Headers["X-OutboundGuard-Timestamp"].FirstOrDefault(), request.Headers["X-OutboundGuard-Signature"].FirstOrDefault(), request.Headers["X-OutboundGuard-Delivery"].FirstOrDefault()));
            if (n <= failures)
            {
                return Results.StatusCode(503);
            }

            receiver.Received.Enqueue(body);
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Url = new Uri(AdminHost.AddressOf(app), "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
