using System.IO.Compression;
using System.Text;

namespace OutboundGuard.Reliability.Tests.Content;

/// <summary>
/// Generators of hostile message content, as SMTP DATA text (CRLF lines under 1000 octets, no line starting
/// with a dot), each with the marker in a Subject and an X-Test-Id header.
/// </summary>
public static class HostileMessages
{
    public static readonly string[] Names =
    [
        "nested-multipart-1000", "header-10mb", "broken-base64", "broken-quoted-printable", "giant-malformed-html-5mb",
        "ten-thousand-urls", "misdeclared-charsets", "zip-attachments",
    ];

    public static string Build(string name, string marker)
    {
        var body = name switch
        {
            "nested-multipart-1000" => NestedMultipart(1000),
            "header-10mb" => HugeHeader(10 * 1024 * 1024),
            "broken-base64" => BrokenBase64(),
            "broken-quoted-printable" => BrokenQuotedPrintable(),
            "giant-malformed-html-5mb" => GiantHtml(5 * 1024 * 1024),
            "ten-thousand-urls" => ManyUrls(10_000),
            "misdeclared-charsets" => MisdeclaredCharsets(),
            "zip-attachments" => ZipAttachments(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        return $"From: alice@tenant.example\r\nTo: bob@example.org\r\nSubject: hostile {marker}\r\nX-Test-Id: {marker}\r\nMessage-ID: <{marker}@hostile.test>\r\nMIME-Version: 1.0\r\n" + body;
    }

    private static string NestedMultipart(int depth)
    {
        var sb = new StringBuilder();
        sb.Append("Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        for (var i = 0; i < depth; i++)
        {
            sb.Append($"--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\r\n\r\n");
        }

        sb.Append($"--b{depth}\r\nContent-Type: text/plain\r\n\r\nthe innermost part\r\n--b{depth}--\r\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            sb.Append($"--b{i}--\r\n");
        }

        return sb.ToString();
    }

    private static string HugeHeader(int size)
    {
        var sb = new StringBuilder(size + 1024);
        sb.Append("X-Huge: start");
        var fold = "\r\n " + new string('h', 76);
        while (sb.Length < size)
        {
            sb.Append(fold);
        }

        sb.Append("\r\nContent-Type: text/plain\r\n\r\nA message with one enormous header.\r\n");
        return sb.ToString();
    }

    private static string BrokenBase64()
        => "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n" +
           "--x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29y!!!bGQ=\r\n====\r\nQUJD\r\n*&^%$\r\nSGVsbG\r\n" +
           "--x\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n" + string.Concat(Enumerable.Repeat("PGEgaHJlZj0iaHR0cDovL2V4YW1wbGUuY29tIj4=\r\n=A=B=C\r\n", 2000)) +
           "--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nnot base64 at all: ÿÿÿ\r\n--x--\r\n";

    private static string BrokenQuotedPrintable()
        => "Content-Type: multipart/alternative; boundary=\"q\"\r\n\r\n" +
           "--q\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=4=\r\n=C3=\r\n" + string.Concat(Enumerable.Repeat("click =\r\nhttp://exa=\r\nmple.com/=\r\n", 3000)) + "=\r\n" +
           "--q\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<a href=3D\"http://x.example/=\r\n=\r\n=\r\n\"=3\r\n--q--\r\n";

    private static string GiantHtml(int size)
    {
        var sb = new StringBuilder(size + 1024);
        sb.Append("Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>\r\n");
        var i = 0;
        while (sb.Length < size)
        {
            // Unclosed and misnested tags, broken attributes and entities, deep nesting.
            sb.Append((i % 4) switch
            {
                0 => "<div><span><b><i><table><tr><td><p>unclosed\r\n",
                1 => "<a href=\"http://unclosed.example/<script>\r\n",
                2 => "&#99999999;&bogus;<!-- never closed <![CDATA[ <style>x{}\r\n",
                _ => "</td></p></div></div></div><img src=x onerror=\"alert(1)\r\n",
            });
            i++;
        }

        sb.Append("</body>\r\n");
        return sb.ToString();
    }

    private static string ManyUrls(int count)
    {
        var sb = new StringBuilder("Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>\r\n");
        for (var i = 0; i < count; i++)
        {
            sb.Append($"<a href=\"http://host{i}.domain{i % 500}.example/path/{i}?q={i}\">link {i}</a> http://plain{i}.example/x\r\n");
        }

        sb.Append("</body></html>\r\n");
        return sb.ToString();
    }

    private static string MisdeclaredCharsets()
        => "Content-Type: multipart/mixed; boundary=\"c\"\r\n\r\n" +
           "--c\r\nContent-Type: text/plain; charset=utf-16\r\n\r\nplain ASCII declared as UTF-16, odd length.\r\n" +
           "--c\r\nContent-Type: text/plain; charset=\"x-no-such-charset\"\r\n\r\nunknown charset\r\n" +
           "--c\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, 0xFF, 0xFE]) + "\r\n" +
           "--c\r\nContent-Type: text/plain; charset=iso-2022-jp\r\nContent-Transfer-Encoding: base64\r\n\r\nGyRCGyRCGyRC\r\n--c--\r\n";

    private static string ZipAttachments()
    {
        var sb = new StringBuilder("Content-Type: multipart/mixed; boundary=\"z\"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nInvoices attached.\r\n");
        foreach (var (name, bytes) in new[] { ("bomb.zip", ZipBomb()), ("nested.zip", NestedZip(20)), ("truncated.zip", ZipBomb()[..200]) })
        {
            sb.Append($"--z\r\nContent-Type: application/zip; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            var b64 = Convert.ToBase64String(bytes);
            for (var i = 0; i < b64.Length; i += 76)
            {
                sb.Append(b64.AsSpan(i, Math.Min(76, b64.Length - i))).Append("\r\n");
            }
        }

        sb.Append("--z--\r\n");
        return sb.ToString();
    }

    /// <summary>A zip whose one entry inflates to 200 MB of zeros.</summary>
    private static byte[] ZipBomb()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("invoice.exe", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 200; i++)
            {
                entry.Write(zeros);
            }
        }

        return output.ToArray();
    }

    private static byte[] NestedZip(int depth)
    {
        var inner = "<a href=\"http://phish.example/login\">verify your account</a>"u8.ToArray();
        for (var i = 0; i < depth; i++)
        {
            using var output = new MemoryStream();
            using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            {
                using var entry = zip.CreateEntry(i == 0 ? "page.html" : $"level{i}.zip").Open();
                entry.Write(inner);
            }

            inner = output.ToArray();
        }

        return inner;
    }
}
