using MimeKit;

namespace OutboundGuard.Delivery.Routes;

/// <summary>
/// The message as MailKit sends it, without MimeKit parsing it: the top-level header fields are cut out of
/// the spooled octets by one linear scan and kept as raw values (written back byte for byte), and the body is
/// copied from disk in bounded chunks as it is sent. A message of any size costs constant memory beyond its
/// header block, and a hostile header (one enormous folded field) costs one linear pass instead of minutes in
/// MimeKit's header parser. Fields in <see cref="FormatOptions.HiddenHeaders"/> are left out, as MimeKit
/// would (none, as the route sends it: the content goes on byte for byte).
/// </summary>
internal static class SpooledMimeMessage
{
    private static readonly ParserOptions Parser = CreateParserOptions();

    /// <summary>
    /// Builds the message over <paramref name="content"/> (seekable, CRLF only). A header block whose first
    /// line is no header field (rare; "From " mbox lines) is parsed by MimeKit instead, with part content
    /// left on disk (<c>persistent: true</c>).
    /// </summary>
    public static async Task<MimeMessage> CreateAsync(Stream content, bool eightBit, CancellationToken cancellationToken)
    {
        content.Position = 0;
        var (block, bodyOffset) = await ReadHeaderBlockAsync(content, cancellationToken).ConfigureAwait(false);
        var message = new MimeMessage();
        message.Headers.Clear();
        var fieldStart = 0;
        var fields = new List<(int Start, int Colon, int End)>();
        while (fieldStart < block.Length)
        {
            var lineEnd = block.AsSpan(fieldStart).IndexOf((byte)'\n');
            var next = lineEnd < 0 ? block.Length : fieldStart + lineEnd + 1;

            // Continuation lines (and anything that is no field) belong to the field before them.
            while (next < block.Length && block[next] is (byte)' ' or (byte)'\t')
            {
                var more = block.AsSpan(next).IndexOf((byte)'\n');
                next = more < 0 ? block.Length : next + more + 1;
            }

            var field = block.AsSpan(fieldStart, next - fieldStart);
            var colon = field.IndexOf((byte)':');
            if (colon > 0 && IsFieldName(field[..colon]))
            {
                fields.Add((fieldStart, fieldStart + colon, next));
            }
            else if (fields.Count > 0)
            {
                fields[^1] = fields[^1] with { End = next };
            }
            else
            {
                content.Position = 0;
                return await MimeMessage.LoadAsync(Parser, content, persistent: true, cancellationToken).ConfigureAwait(false);
            }

            fieldStart = next;
        }

        foreach (var (start, colon, end) in fields)
        {
            message.Headers.Add(new RawHeader(block[start..colon], block[(colon + 1)..end]));
        }

        message.Body = new SpooledBody(content, bodyOffset, eightBit);
        return message;
    }

    /// <summary>The octets before the empty line ending the header block, and where the body starts.</summary>
    private static async Task<(byte[] Block, long BodyOffset)> ReadHeaderBlockAsync(Stream content, CancellationToken cancellationToken)
    {
        var block = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var searchFrom = (int)Math.Max(0, block.Length - 3);
            block.Write(buffer, 0, read);
            var bytes = block.GetBuffer().AsSpan(0, (int)block.Length);
            if (bytes.Length >= 2 && bytes[0] == (byte)'\r' && bytes[1] == (byte)'\n')
            {
                return ([], 2);
            }

            var end = bytes[searchFrom..].IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var headerLength = searchFrom + end + 2;
                return (bytes[..headerLength].ToArray(), headerLength + 2);
            }
        }

        // No body at all: the whole content is header fields.
        return (block.ToArray(), block.Length);
    }

    private static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (b is < 33 or > 126)
            {
                return false;
            }
        }

        return true;
    }

    private static ParserOptions CreateParserOptions()
    {
        var options = ParserOptions.Default.Clone();

        // The content was accepted by our SMTP server already; parse as leniently as possible so it goes on unchanged.
        options.AddressParserComplianceMode = RfcComplianceMode.Looser;
        options.ParameterComplianceMode = RfcComplianceMode.Looser;
        return options;
    }

    /// <summary>A header field kept as its raw octets: never parsed, written back exactly.</summary>
    private sealed class RawHeader(byte[] field, byte[] rawValue) : Header(Parser, field, rawValue, invalid: false);

    /// <summary>The body: the spooled octets after the header block, copied from disk when written.</summary>
    private sealed class SpooledBody : MimePart
    {
        private readonly Stream _content;
        private readonly long _offset;
        private readonly bool _eightBit;

        public SpooledBody(Stream content, long offset, bool eightBit)
        {
            _content = content;
            _offset = offset;
            _eightBit = eightBit;

            // The message's own header fields are all on the message; this part adds none.
            Headers.Clear();
        }

        /// <summary>MailKit visits the parts to choose MAIL FROM's BODY parameter (RFC 6152): 8BITMIME when any octet is above 127.</summary>
        public override void Accept(MimeVisitor visitor)
        {
            ArgumentNullException.ThrowIfNull(visitor);
            visitor.Visit(new TextPart("plain") { ContentTransferEncoding = _eightBit ? ContentEncoding.EightBit : ContentEncoding.SevenBit });
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            _content.Position = _offset;
            _content.CopyTo(stream, 64 * 1024);
        }

        public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            _content.Position = _offset;
            await _content.CopyToAsync(stream, 64 * 1024, cancellationToken).ConfigureAwait(false);
        }
    }
}
