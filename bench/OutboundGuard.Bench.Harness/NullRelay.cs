using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Bench;

/// <summary>
/// OutboundGuard's SMTP server (Kestrel listener, sessions, parser, DATA/BDAT decoder) with a relay handler that
/// knows every client as a connector and discards every message: the protocol layer alone, for the side-by-side
/// with Postfix's smtp-sink. Runs until SIGINT/SIGTERM or --seconds elapse.
/// </summary>
internal static class NullRelay
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var endpoint = args.Get("smtp");
        var seconds = args.GetInt("seconds", 3600);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSmtpServer(o =>
        {
            o.ServerName = "nullrelay.bench";
            o.Listeners.Add(new SmtpListenerOptions { Endpoint = endpoint });
            o.Limits.MaxConnectionsPerIp = 100_000;
            o.Limits.MaxConnections = 100_000;
            o.Limits.MaxMessageSize = 200L * 1024 * 1024;
        });
        builder.Services.AddSingleton<ISmtpRelayHandler, DiscardingHandler>();
        builder.WebHost.ConfigureKestrel(k => k.ListenSmtp());
        await using var app = builder.Build();
        await app.StartAsync();
        Console.WriteLine($"null-relay listening on {endpoint}");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var registration = app.Lifetime.ApplicationStopping.Register(stop.Cancel);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync();
        Console.WriteLine($"null-relay allocated {GC.GetTotalAllocatedBytes() / 1024} KiB; collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}");
        return 0;
    }

    private sealed class DiscardingHandler : ISmtpRelayHandler
    {
        /// <summary>Nothing here waits or computes: the session may call it from the socket's I/O thread.</summary>
        public bool NeverBlocks => true;

        public ValueTask<SmtpIdentity?> IdentifyClientAsync(SmtpSessionInfo session, CancellationToken cancellationToken)
            => ValueTask.FromResult<SmtpIdentity?>(new SmtpIdentity(SmtpIdentityKind.Connector, "bench.example", null));

        public ValueTask<SmtpIdentity?> AuthenticateAsync(SmtpSessionInfo session, string userName, string password, CancellationToken cancellationToken)
            => ValueTask.FromResult<SmtpIdentity?>(null);

        public ValueTask<SmtpReply> MailFromAsync(SmtpSessionInfo session, SmtpEnvelope envelope, CancellationToken cancellationToken)
            => ValueTask.FromResult(SmtpReplies.SenderOk);

        public ValueTask<SmtpReply> RcptToAsync(SmtpSessionInfo session, SmtpEnvelope envelope, SmtpRecipient recipient, CancellationToken cancellationToken)
            => ValueTask.FromResult(SmtpReplies.RecipientOk);

        public ValueTask<IMessageSink> OpenMessageAsync(SmtpSessionInfo session, SmtpEnvelope envelope, CancellationToken cancellationToken)
            => ValueTask.FromResult<IMessageSink>(DiscardingSink.Instance);
    }

    private sealed class DiscardingSink : IMessageSink
    {
        public static readonly DiscardingSink Instance = new();

        public ValueTask WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<SmtpReply> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(SmtpReplies.Queued);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
