using System.Collections.Concurrent;
using System.Threading.Channels;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Tests.Support;

/// <summary>A message as the relay layer received it.</summary>
public sealed record ReceivedMessage(SmtpEnvelope Envelope, byte[] Content, int Writes, SmtpIdentity? Identity);

/// <summary>
/// A relay handler for protocol tests: knows a few users and connector IPs, records completed messages in
/// memory and counts abandoned ones.
/// </summary>
public sealed class RecordingRelayHandler : ISmtpRelayHandler
{
    private readonly Channel<ReceivedMessage> _messages = Channel.CreateUnbounded<ReceivedMessage>();
    private int _abandoned;
    private int _identifyCalls;

    /// <summary>User name → password accepted by AUTH.</summary>
    public ConcurrentDictionary<string, string> Users { get; } = new(StringComparer.Ordinal) { ["alice@tenant.example"] = "correct horse" };

    /// <summary>The identity given to every client at connect (a connector), or null for unknown clients.</summary>
    public SmtpIdentity? ConnectorIdentity { get; set; } = new(SmtpIdentityKind.Connector, "tenant.example", null);

    /// <summary>The reply to the end of a message.</summary>
    public SmtpReply CompleteReply { get; set; } = SmtpReplies.Queued;

    /// <summary>Messages disposed without being completed.</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <summary>How often IdentifyClientAsync was called.</summary>
    public int IdentifyCalls => Volatile.Read(ref _identifyCalls);

    /// <summary>The client endpoint of every session, as the relay layer saw it (after the PROXY protocol).</summary>
    public ConcurrentQueue<System.Net.IPEndPoint> ClientEndPoints { get; } = new();

    /// <summary>The SHA-256 fingerprint of the client certificate of every session identified over TLS with one.</summary>
    public ConcurrentQueue<string> ClientCertificateFingerprints { get; } = new();

    /// <summary>What this handler declares; false (may block) unless a test says otherwise.</summary>
    public bool NeverBlocks { get; set; }

    /// <summary>Every call with whether it ran on a thread-pool thread (else: the socket's I/O thread), e.g. ("MAIL", true).</summary>
    public ConcurrentQueue<(string Call, bool OnPoolThread)> Threads { get; } = new();

    public ValueTask<SmtpIdentity?> IdentifyClientAsync(SmtpSessionInfo session, CancellationToken cancellationToken)
    {
        Record("IDENTIFY");
        ClientEndPoints.Enqueue(session.RemoteEndPoint);
        if (session.ClientCertificateFingerprint is { } fingerprint)
        {
            ClientCertificateFingerprints.Enqueue(fingerprint);
        }

        Interlocked.Increment(ref _identifyCalls);
        return ValueTask.FromResult(ConnectorIdentity);
    }

    public ValueTask<SmtpIdentity?> AuthenticateAsync(SmtpSessionInfo session, string userName, string password, CancellationToken cancellationToken)
    {
        Record("AUTH");
        return ValueTask.FromResult(Users.TryGetValue(userName, out var expected) && expected == password
            ? new SmtpIdentity(SmtpIdentityKind.Authenticated, "tenant.example", userName)
            : null);
    }

    public ValueTask<SmtpReply> MailFromAsync(SmtpSessionInfo session, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        Record("MAIL");
        return ValueTask.FromResult(envelope.ReversePath.StartsWith("suspended@", StringComparison.Ordinal) ? SmtpReplies.Suspended : SmtpReplies.SenderOk);
    }

    public ValueTask<SmtpReply> RcptToAsync(SmtpSessionInfo session, SmtpEnvelope envelope, SmtpRecipient recipient, CancellationToken cancellationToken)
    {
        Record("RCPT");
        return ValueTask.FromResult(recipient.Address.StartsWith("unknown@", StringComparison.Ordinal)
            ? new SmtpReply(550, "5.1.1", "No such user")
            : SmtpReplies.RecipientOk);
    }

    public ValueTask<IMessageSink> OpenMessageAsync(SmtpSessionInfo session, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        Record("OPEN");
        return ValueTask.FromResult<IMessageSink>(new Sink(this, envelope, session.Identity));
    }

    /// <summary>Waits (real time, bounded) for the next completed message.</summary>
    public async Task<ReceivedMessage> NextMessageAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _messages.Reader.ReadAsync(cts.Token);
    }

    /// <summary>True when a message was completed and not yet taken.</summary>
    public bool HasMessage => _messages.Reader.TryPeek(out _);

    /// <summary>Records the call and the kind of thread it runs on.</summary>
    private void Record(string call) => Threads.Enqueue((call, Thread.CurrentThread.IsThreadPoolThread));

    private sealed class Sink(RecordingRelayHandler owner, SmtpEnvelope envelope, SmtpIdentity? identity) : IMessageSink
    {
        private readonly MemoryStream _content = new();
        private int _writes;
        private bool _completed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            _writes++;
            _content.Write(content.Span);
            return ValueTask.CompletedTask;
        }

        public ValueTask<SmtpReply> CompleteAsync(CancellationToken cancellationToken)
        {
            owner.Record("COMPLETE");
            _completed = true;
            if (owner.CompleteReply.Code == 250)
            {
                owner._messages.Writer.TryWrite(new ReceivedMessage(envelope, _content.ToArray(), _writes, identity));
            }

            return ValueTask.FromResult(owner.CompleteReply);
        }

        public ValueTask DisposeAsync()
        {
            if (!_completed)
            {
                Interlocked.Increment(ref owner._abandoned);
            }

            return ValueTask.CompletedTask;
        }
    }
}
