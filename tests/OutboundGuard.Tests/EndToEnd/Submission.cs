using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>Message submission as a customer's client does it: MailKit over STARTTLS with AUTH.</summary>
internal static class Submission
{
    /// <summary>Sends <paramref name="message"/>; returns the reply code to the end of data (250 when accepted).</summary>
    public static async Task<int> SendAsync(int port, string address, string password, MimeMessage message)
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 60_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(address, password);
        try
        {
            await client.SendAsync(message);
            return 250;
        }
        catch (SmtpCommandException e)
        {
            return (int)e.StatusCode;
        }
        finally
        {
            await client.DisconnectAsync(true);
        }
    }
}
