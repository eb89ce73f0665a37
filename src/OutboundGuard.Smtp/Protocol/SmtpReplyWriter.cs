using System.Buffers;
using System.Globalization;
using System.Text;

namespace OutboundGuard.Smtp.Protocol;

/// <summary>
/// Writes replies as RFC 5321 §4.2 puts them on the wire: "250-first line", ..., "250 last line", each with the
/// enhanced status code (RFC 2034) when there is one, each ending in CRLF. Straight into the output buffer, with
/// no string built on the way: a reply is written for every command.
/// </summary>
internal static class SmtpReplyWriter
{
    /// <summary>Writes <paramref name="reply"/> (several lines when its text has '\n') to <paramref name="output"/>. Returns the octets written.</summary>
    public static int Write(SmtpReply reply, IBufferWriter<byte> output)
    {
        var text = reply.Text.AsSpan();
        var enhanced = reply.Enhanced.AsSpan();
        var total = 0;
        while (true)
        {
            var newline = text.IndexOf('\n');
            var last = newline < 0;
            var line = last ? text : text[..newline];

            // "ddd", the separator, the enhanced code and its space, the text, CRLF.
            var span = output.GetSpan(3 + 1 + enhanced.Length + 1 + Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
            reply.Code.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
            span[n++] = last ? (byte)' ' : (byte)'-';
            if (!enhanced.IsEmpty)
            {
                n += Encoding.UTF8.GetBytes(enhanced, span[n..]);
                span[n++] = (byte)' ';
            }

            n += Encoding.UTF8.GetBytes(line, span[n..]);
            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
            output.Advance(n);
            total += n;
            if (last)
            {
                return total;
            }

            text = text[(newline + 1)..];
        }
    }

    /// <summary>The reply as <see cref="Write"/> puts it on the wire, as text (for the transcript).</summary>
    public static string Format(SmtpReply reply)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(reply, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
