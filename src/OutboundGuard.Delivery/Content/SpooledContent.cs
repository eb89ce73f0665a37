using System.Buffers;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Delivery.Content;

/// <summary>
/// The spooled content of one message as a seekable stream of CRLF-only bytes, read from disk as it is
/// sent (constant memory whatever the size). One fast scan decides: content with only CRLF line endings
/// (the normal case) is the spool file itself; content with a bare CR or LF is repaired once into a
/// temporary copy next to the spool file, removed when the stream is closed.
/// </summary>
internal sealed class SpooledContent : IAsyncDisposable
{
    private SpooledContent(Stream stream, long repairs, bool eightBit)
    {
        Stream = stream;
        Repairs = repairs;
        EightBit = eightBit;
    }

    /// <summary>The content, positioned at its start; seekable.</summary>
    public Stream Stream { get; }

    /// <summary>How many bare CR or LF were rewritten to CRLF.</summary>
    public long Repairs { get; }

    /// <summary>Whether the content holds any octet above 127 (RFC 6152 BODY=8BITMIME).</summary>
    public bool EightBit { get; }

    /// <summary>Takes ownership of <paramref name="file"/>.</summary>
    public static async Task<SpooledContent> OpenAsync(SpoolReadStream file, CancellationToken cancellationToken)
    {
        var (clean, eightBit) = await ScanAsync(file, cancellationToken).ConfigureAwait(false);
        file.Position = 0;
        if (clean)
        {
            return new SpooledContent(file, 0, eightBit);
        }

        var directory = Path.GetDirectoryName(file.Path) ?? Path.GetTempPath();
        var copyPath = Path.Combine(directory, $".repair-{Guid.NewGuid():N}.tmp");
        var copy = new FileStream(copyPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            long repairs;
            await using (var normalizing = new LineEndingNormalizingStream(file))
            {
                await normalizing.CopyToAsync(copy, 64 * 1024, cancellationToken).ConfigureAwait(false);
                repairs = normalizing.Repairs;
            }

            await copy.FlushAsync(cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            return new SpooledContent(copy, repairs, eightBit);
        }
        catch
        {
            await copy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One pass over the content: are all line endings CRLF, and is any octet above 127.</summary>
    internal static async Task<(bool Clean, bool EightBit)> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var afterCr = false;
            var clean = true;
            var eightBit = false;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var span = buffer.AsSpan(0, read);
                eightBit = eightBit || !System.Text.Ascii.IsValid(span);
                if (clean && !IsCrlfOnly(span, ref afterCr))
                {
                    clean = false;
                }

                if (!clean && eightBit)
                {
                    break;
                }
            }

            return (clean && !afterCr, eightBit);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsCrlfOnly(ReadOnlySpan<byte> span, ref bool afterCr)
    {
        var index = 0;
        if (afterCr)
        {
            if (span[0] != (byte)'\n')
            {
                return false;
            }

            index = 1;
            afterCr = false;
        }

        while (index < span.Length)
        {
            var next = span[index..].IndexOfAny((byte)'\r', (byte)'\n');
            if (next < 0)
            {
                return true;
            }

            index += next;
            if (span[index] == (byte)'\n')
            {
                return false;
            }

            if (index + 1 == span.Length)
            {
                afterCr = true;
                return true;
            }

            if (span[index + 1] != (byte)'\n')
            {
                return false;
            }

            index += 2;
        }

        return true;
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
