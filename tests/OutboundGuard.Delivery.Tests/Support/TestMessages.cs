using System.Text;

namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>Raw RFC 5322 test messages (CRLF unless a test wants otherwise).</summary>
public static class TestMessages
{
    public static byte[] Simple(string from, string to, string subject, string body = "Hello.\r\n") =>
        Encoding.UTF8.GetBytes($"From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{Guid.NewGuid():N}@client.test>\r\nDate: Mon, 23 Nov 2026 06:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}");

    /// <summary>
    /// A message a naive re-serialiser would change: folded and oddly spaced headers, a multipart body with a
    /// preamble and epilogue, 8bit UTF-8 text, base64, lines starting with dots, trailing whitespace.
    /// </summary>
    public static byte[] Tricky(string from, string to) => Encoding.UTF8.GetBytes(
        $"Received: from client.test (client.test [192.0.2.10])\r\n\tby mx.client.test with ESMTPS id 123;\r\n\tMon, 23 Nov 2026 05:59:59 +0000\r\n" +
        $"From:   \"Zoë Ünïcode\"   <{from}>\r\n" +
        $"To: <{to}>\r\n" +
        "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= and a very long subject line that is folded\r\n over two lines  \r\n" +
        "X-Odd-Header:value-without-space\r\n" +
        "Message-ID: <tricky-1@client.test>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
        "\r\n" +
        "This is the preamble.\r\n" +
        "--b1\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "Content-Transfer-Encoding: 8bit\r\n" +
        "\r\n" +
        "Grüße aus Zürich – naïve café.\r\n" +
        ".a line starting with a dot\r\n" +
        "..two dots\r\n" +
        ".\r\n" +
        "trailing spaces   \r\n" +
        "--b1\r\n" +
        "Content-Type: application/octet-stream; name=\"a.bin\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "\r\n" +
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n" +
        "--b1--\r\n" +
        "epilogue\r\n");
}
