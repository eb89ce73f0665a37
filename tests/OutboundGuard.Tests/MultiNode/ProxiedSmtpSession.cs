using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace OutboundGuard.Tests.MultiNode;

/// <summary>
/// A raw SMTP session to one node, opened as the balancer would (PROXY v1 header), secured with STARTTLS
/// and authenticated, that probes MAIL FROM without ever sending a message.
/// </summary>
internal sealed class ProxiedSmtpSession : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;
    private readonly StreamReader _reader;

    private ProxiedSmtpSession(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
        _reader = new StreamReader(tls, Encoding.ASCII);
    }

    public static async Task<ProxiedSmtpSession> OpenAsync(int nodePort, string user, string password)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, nodePort);
        var plain = tcp.GetStream();
        await plain.WriteAsync(Encoding.ASCII.GetBytes($"PROXY TCP4 {ClusterSmtp.ClientAddress} 127.0.0.1 40001 25\r\n"));
        await ExpectAsync(plain, null, "220");
        await ExpectAsync(plain, "EHLO probe.example", "250");
        await ExpectAsync(plain, "STARTTLS", "220");
        var tls = new SslStream(plain, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        var session = new ProxiedSmtpSession(tcp, tls);
        await session.CommandAsync("EHLO probe.example", "250");
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
        await session.CommandAsync($"AUTH PLAIN {token}", "235");
        return session;
    }

    /// <summary>MAIL FROM then RSET; returns MAIL FROM's reply code (250 may send, 550 suspended).</summary>
    public async Task<int> ProbeMailFromAsync(string sender)
    {
        var reply = await SendAsync($"MAIL FROM:<{sender}>");
        await SendAsync("RSET");
        return int.Parse(reply[..3], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sends one command line and returns its reply's last line.</summary>
    public Task<string> CommandReplyAsync(string line) => SendAsync(line);

    /// <summary>Sends text as it is (message content), without waiting for a reply.</summary>
    public async Task SendRawAsync(string text) => await _tls.WriteAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>The next reply line the server sends, or null once it closed the connection.</summary>
    public async Task<string?> NextReplyOrCloseAsync()
    {
        try
        {
            return await ClusterSmtp.ReadReplyAsync(_reader);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task CommandAsync(string line, string expected)
    {
        var reply = await SendAsync(line);
        if (!reply.StartsWith(expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{line.Split(' ')[0]} answered {reply}");
        }
    }

    private async Task<string> SendAsync(string line)
    {
        await _tls.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        return await ClusterSmtp.ReadReplyAsync(_reader);
    }

    private static async Task ExpectAsync(NetworkStream stream, string? line, string expected)
    {
        if (line is not null)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        }

        // Byte by byte, so nothing after the reply (TLS handshake) is read ahead.
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (true)
        {
            var lineText = new StringBuilder();
            while (!lineText.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(buffer) == 0)
                {
                    throw new IOException("connection closed");
                }

                lineText.Append((char)buffer[0]);
            }

            text.Append(lineText);
            if (lineText.Length < 6 || lineText[3] == ' ')
            {
                break;
            }
        }

        if (!text.ToString().StartsWith(expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"expected {expected}, got {text}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _tls.DisposeAsync();
        _tcp.Dispose();
    }
}
