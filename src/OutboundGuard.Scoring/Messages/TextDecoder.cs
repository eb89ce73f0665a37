using System.Buffers;
using System.Text;
using MimeKit;

namespace OutboundGuard.Scoring.Messages;

/// <summary>
/// The text of a text part as <see cref="TextPart.Text"/> gives it (transfer encoding undone, charset decoded, CRLF
/// as LF), for the common charsets (UTF-8, US-ASCII, ISO-8859-1) when the bytes are plainly in them, with pooled buffers and a single
/// string; anything else, and any surprise, goes to MimeKit's own decoding.
/// </summary>
internal static class TextDecoder
{
    public static string Decode(TextPart part)
    {
        if (FastEncoding(part.ContentType.Charset) is not { } encoding || part.Content is null)
        {
            return part.Text ?? string.Empty;
        }

        byte[]? bytes = null;
        char[]? chars = null;
        try
        {
            using Stream decoded = part.Content.Open();
            int capacity = decoded.CanSeek ? (int)Math.Min(decoded.Length + 1, int.MaxValue / 4) : 16 * 1024;
            bytes = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
            int length = 0;
            while (true)
            {
                if (length == bytes.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(bytes.Length * 2);
                    bytes.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(bytes);
                    bytes = larger;
                }

                int n = decoded.Read(bytes, length, bytes.Length - length);
                if (n == 0)
                {
                    break;
                }

                length += n;
            }

            ReadOnlySpan<byte> content = bytes.AsSpan(0, length);
            bool plain = encoding == Encoding.UTF8 ? System.Text.Unicode.Utf8.IsValid(content)
                : encoding == Encoding.ASCII ? Ascii.IsValid(content)
                : content.IndexOfAnyInRange((byte)0x80, (byte)0x9F) < 0;
            if (!plain)
            {
                // Bytes a charset does not define (or that MimeKit may read another way): MimeKit's own rules decide.
                return part.Text ?? string.Empty;
            }

            chars = ArrayPool<char>.Shared.Rent(encoding.GetMaxCharCount(length));
            int count = encoding.GetChars(content, chars);
            int w = 0;
            for (int r = 0; r < count; r++)
            {
                char c = chars[r];
                if (c == '\r' && r + 1 < count && chars[r + 1] == '\n')
                {
                    continue;
                }

                chars[w++] = c;
            }

            if (w > 0 && chars[w - 1] == '\r')
            {
                w--; // MimeKit's CRLF filter drops a final lone CR too
            }

            return new string(chars, 0, w);
        }
        catch (Exception e) when (e is DecoderFallbackException or IOException or FormatException or NotSupportedException)
        {
            return part.Text ?? string.Empty;
        }
        finally
        {
            if (bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }

            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    private static Encoding? FastEncoding(string? charset) => charset?.Trim().ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => Encoding.UTF8,
        "us-ascii" or "ascii" => Encoding.ASCII,
        "iso-8859-1" or "latin1" => Encoding.Latin1,
        _ => null,
    };
}
