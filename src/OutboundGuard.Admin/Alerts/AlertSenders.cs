using System.Globalization;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace OutboundGuard.Admin.Alerts;

/// <summary>Sends one alert once: a JSON POST to the webhook, or an e-mail through the alert SMTP server or the smarthost. Throws on failure; the caller retries.</summary>
public sealed class AlertSenders(IConfiguration configuration, HttpClient http, TimeProvider time)
{
    /// <summary>
    /// Posts <paramref name="payload"/> as JSON, signed (<see cref="WebhookSignature"/>) with each of
    /// <paramref name="secrets"/> over a fresh timestamp, so a retry verifies however late; a non-2xx reply is a failure.
    /// </summary>
    /// <exception cref="HttpRequestException">The request failed or the receiver did not reply 2xx.</exception>
    public async Task PostWebhookAsync<T>(string url, T payload, string deliveryId, IReadOnlyList<string> secrets, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, JsonSerializerOptions.Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.DeliveryHeader, deliveryId);
        if (secrets.Count > 0)
        {
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(body, timestamp, secrets));
        }

        using var response = await http.SendAsync(request, cts.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the webhook replied {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    /// <summary>Sends the alert e-mail.</summary>
    /// <exception cref="InvalidOperationException">No SMTP server is configured.</exception>
    public async Task SendEmailAsync(string from, IReadOnlyList<string> to, string subject, string text, string eventName, AlertOptions options, CancellationToken cancellationToken)
    {
        var smtp = string.IsNullOrWhiteSpace(options.Smtp.Host)
            ? configuration.GetSection("OutboundGuard:Delivery:Smarthost").Get<AlertSmtpOptions>()
            : options.Smtp;
        if (smtp is null || string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new InvalidOperationException("no SMTP server for alerts: set OutboundGuard:Admin:Alerts:Smtp:Host or OutboundGuard:Delivery:Smarthost:Host");
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = subject;
        message.Headers.Add("X-OutboundGuard-Event", eventName);
        message.Body = new TextPart("plain") { Text = text };
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        // A self-signed certificate is accepted only from a server on this machine (tests, a local relay).
        var loopback = smtp.AcceptSelfSignedCertificate && (smtp.Host == "localhost" || (System.Net.IPAddress.TryParse(smtp.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip)));
        client.ServerCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || loopback;

        var tls = smtp.Tls.ToUpperInvariant() switch
        {
            "NONE" => SecureSocketOptions.None,
            "STARTTLS" => SecureSocketOptions.StartTls,
            "IMPLICIT" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        await client.ConnectAsync(smtp.Host, smtp.Port, tls, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
