using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace OutboundGuard.Tests.MultiNode;

/// <summary>MailKit clients for a multi-node set-up: through the balancer, or straight to one node with a PROXY header written by hand.</summary>
internal static class ClusterSmtp
{
    /// <summary>The address clients connect from, so the relay's record of it proves the PROXY protocol carried it.</summary>
    public static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.2");

    public static async Task<SmtpClient> ThroughBalancerAsync(int balancerPort, string user, string password)
    {
        var client = NewClient();
        client.LocalEndPoint = new IPEndPoint(ClientAddress, 0);
        await client.ConnectAsync("127.0.0.1", balancerPort, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    /// <summary>Connects to one node as the balancer would: a PROXY v1 header naming <see cref="ClientAddress"/> first.</summary>
    public static async Task<SmtpClient> DirectAsync(int nodePort, string user, string password)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, nodePort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"PROXY TCP4 {ClientAddress} 127.0.0.1 40000 25\r\n"));
        var client = NewClient();
        await client.ConnectAsync(stream, "127.0.0.1", nodePort, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    public static MimeMessage Message(string from, string to, string subject, string body = "Hello,\r\n\r\nthe minutes of today's meeting are attached.\r\n")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>A fake sign-in alert with a look-alike link: decisive about the message, so the policy holds it and then suspends the account.</summary>
    public const string Phishing = "Your mailbox password expires today. Verify your account at http://micros0ft-login.example/verify to keep access.\r\n";

    /// <summary>Sends one message; returns 250 or the refusal's code.</summary>
    public static async Task<int> SendAsync(SmtpClient client, MimeMessage message)
    {
        try
        {
            await client.SendAsync(message);
            return 250;
        }
        catch (SmtpCommandException e)
        {
            return (int)e.StatusCode;
        }
    }

    public static async Task<string> ReadReplyAsync(StreamReader reader)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync() ?? throw new IOException("connection closed");
            if (line.Length < 4 || line[3] == ' ')
            {
                return line;
            }
        }
    }

    private static SmtpClient NewClient() => new() { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
}
