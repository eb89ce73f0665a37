using System.Buffers;
using System.Diagnostics;
using MimeKit;
using OutboundGuard.Cluster;
using OutboundGuard.Scoring;
using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Relay;

/// <summary>Parses the spooled message with bounded MIME limits and runs the scoring pipeline over it.</summary>
internal sealed class MessageScorer(
    ScoringPipeline pipeline,
    SharedActivity shared,
    IRelayMetrics metrics,
    Microsoft.Extensions.Options.IOptions<AccountLimits> defaultLimits) : IMessageScorer
{
    /// <summary>
    /// Limits for hostile content: deep nesting and huge header blocks are cut off rather than parsed
    /// without end (MimeKit's ParserOptions).
    /// </summary>
    private static readonly ParserOptions Parsing = new()
    {
        MaxMimeDepth = 32,
        AllowAddressesWithoutDomain = true,
        RespectContentLength = false,
    };

    /// <summary>How much of a message scoring reads: its first 2 MiB (headers, text, links; large attachments are cut).</summary>
    public const long ScanWindowOctets = 2 * 1024 * 1024;

    /// <summary>
    /// Longest text or HTML part, in characters, that scoring reads. A larger part is scored on its first
    /// MaxScoredPartChars characters: HTML parsing of hostile markup (misnested formatting tags) grows faster
    /// than linearly, and 5 MB of it kept a core busy for minutes. Only the in-memory copy is cut; the
    /// spooled message is relayed whole.
    /// </summary>
    public const int MaxScoredPartChars = 256 * 1024;

    public async Task<ScoredMessage> ScoreAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        var content = await LoadAsync(message.SpoolPath, cancellationToken);

        var review = new MessageUnderReview
        {
            MessageId = message.Id.ToString(),
            Account = message.Account.ToProfile(defaultLimits.Value),
            EnvelopeSender = message.Envelope.ReversePath,
            Recipients = message.Envelope.Recipients.Select(r => r.Address).ToList(),
            ClientAddress = message.Session.RemoteEndPoint.Address,
            SessionId = message.Session.SessionId,
            Content = content,
            SizeOctets = message.SizeOctets,
        };
        // Other nodes' traffic of this account first, so a burst split across nodes is judged whole.
        await shared.BeforeScoringAsync(message.Account.Id, review.Recipients.Count, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var result = await pipeline.EvaluateAsync(review, cancellationToken);
        metrics.ScoringTook(Stopwatch.GetElapsedTime(started));
        return new ScoredMessage(review, result);
    }

    /// <summary>
    /// Parses a spool file as scoring reads it (its scan window, bounded header block, cut parts): at the end of data and
    /// again for a held message's rescan. Null when the content cannot be parsed at all: it is scored on the envelope and
    /// behaviour alone, never dropped.
    /// </summary>
    public static async Task<MimeMessage?> LoadAsync(string spoolPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = FileSpool.OpenRead(spoolPath);
            await using var stream = await BoundHeaderBlockAsync(file, cancellationToken);
            await using var window = new ScanWindowStream(stream, ScanWindowOctets);
            var content = await MimeMessage.LoadAsync(Parsing, window, persistent: false, cancellationToken);
            TruncateLargeHeaders(content);
            TruncateLargeTextParts(content);
            return content;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Largest header block (octets up to the first empty line) handed to MimeKit as it is. Its header parser
    /// slows down sharply on one enormous folded header (10 MB took minutes), so a larger block is cut to its
    /// first <see cref="KeptHeaderOctets"/> octets, at a line boundary, and the body is parsed as usual.
    /// </summary>
    public const int MaxHeaderBlockOctets = 1024 * 1024;

    private const int KeptHeaderOctets = 64 * 1024;

    /// <summary>Octets read first to find the end of the header block.</summary>
    private const int ProbeOctets = 16 * 1024;

    /// <summary>Returns <paramref name="file"/> itself, or an in-memory copy with an over-long header block cut.</summary>
    private static async Task<Stream> BoundHeaderBlockAsync(Stream file, CancellationToken cancellationToken)
    {
        // Most messages end their header block within the first read: look there (in a pooled buffer: this runs for every
        // message) before allocating anything large.
        var probe = ArrayPool<byte>.Shared.Rent(ProbeOctets);
        try
        {
            var probed = await file.ReadAtLeastAsync(probe.AsMemory(0, ProbeOctets), ProbeOctets, throwOnEndOfStream: false, cancellationToken);
            if (probed < ProbeOctets || probe.AsSpan(0, probed).IndexOf("\r\n\r\n"u8) >= 0)
            {
                file.Position = 0;
                return new NonDisposingStream(file);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(probe);
        }

        file.Position = 0;
        var head = new byte[MaxHeaderBlockOctets + 4];
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (read < head.Length || head.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
        {
            file.Position = 0;
            return new NonDisposingStream(file);
        }

        // Find the end of the header block further on, in bounded chunks (linear in the message size).
        var position = (long)read;
        var window = new byte[64 * 1024];
        byte[] carry = head.AsSpan(read - 3, 3).ToArray();
        long bodyStart = -1;
        while (bodyStart < 0)
        {
            var n = await file.ReadAsync(window, cancellationToken);
            if (n == 0)
            {
                break;
            }

            var joined = new byte[carry.Length + n];
            carry.CopyTo(joined, 0);
            Array.Copy(window, 0, joined, carry.Length, n);
            var at = joined.AsSpan().IndexOf("\r\n\r\n"u8);
            if (at >= 0)
            {
                bodyStart = position - carry.Length + at + 4;
            }

            position += n;
            carry = joined.AsSpan(Math.Max(0, joined.Length - 3)).ToArray();
        }

        var kept = head.AsSpan(0, KeptHeaderOctets);
        var lastLine = kept.LastIndexOf("\r\n"u8);
        var copy = new MemoryStream();
        copy.Write(kept[..(lastLine + 2)]);
        copy.Write("X-OutboundGuard-Header-Cut: header block over limit\r\n\r\n"u8);
        if (bodyStart >= 0)
        {
            file.Position = bodyStart;
            await file.CopyToAsync(copy, cancellationToken);
        }

        copy.Position = 0;
        return copy;
    }

    /// <summary>Lets the caller dispose the spool file itself.</summary>
    private sealed class NonDisposingStream(Stream inner) : ReadOnlyStream
    {
        public override bool CanSeek => inner.CanSeek;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    }

    /// <summary>Longest header value, in characters, that scoring reads; longer ones are cut in the in-memory copy.</summary>
    public const int MaxScoredHeaderChars = 16 * 1024;

    private static void TruncateLargeHeaders(MimeMessage content)
    {
        for (var i = 0; i < content.Headers.Count; i++)
        {
            var header = content.Headers[i];
            if (header.RawValue.Length > MaxScoredHeaderChars)
            {
                content.Headers[i] = new Header(header.Field, System.Text.Encoding.UTF8.GetString(header.RawValue, 0, MaxScoredHeaderChars).ReplaceLineEndings(" "));
            }
        }
    }

    private static void TruncateLargeTextParts(MimeMessage content)
    {
        foreach (var part in content.BodyParts.OfType<TextPart>())
        {
            // A part is never more characters than its encoded octets: a short one is not decoded here (scoring decodes it once).
            if (part.Content?.Stream is { CanSeek: true } encoded && encoded.Length <= MaxScoredPartChars)
            {
                continue;
            }

            string text;
            try
            {
                text = part.Text;
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
            {
                continue;
            }

            if (text.Length > MaxScoredPartChars)
            {
                part.Text = text[..MaxScoredPartChars];
            }
        }
    }
}
