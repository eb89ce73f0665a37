using System.Text;

namespace OutboundGuard.Delivery.Routes.Smarthost;

/// <summary>
/// SMTP AUTH towards the smarthost (RFC 4954): PLAIN (RFC 4616) when offered, else LOGIN. The login is sent only
/// over TLS, or to a loopback smarthost: a password in clear over a network is refused before it leaves. Neither
/// the password nor the encoded exchange is ever logged or put in an error.
/// </summary>
internal static class SmarthostLogin
{
    public static async Task AuthenticateAsync(SmarthostSession session, SmarthostOptions options, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        if (!session.IsEncrypted && !SmarthostSession.IsLoopback(options.Host))
        {
            throw new SmarthostProtocolException("refusing to send the smarthost login without TLS: the smarthost did not offer STARTTLS (set Tls to StartTls or Implicit)");
        }

        var mechanisms = session.Capabilities.AuthMechanisms;
        var user = options.Username ?? "";
        var password = options.Password ?? "";
        if (mechanisms.Contains("PLAIN"))
        {
            var response = Base64($"\0{user}\0{password}");
            await session.WriteAsync($"AUTH PLAIN {response}\r\n", timeout).ConfigureAwait(false);
            var reply = await session.ReadAsync(timeout).ConfigureAwait(false);
            if (reply.Code == 334)
            {
                // A server that wants the response after an empty challenge (RFC 4954 §4).
                await session.WriteAsync(response + "\r\n", timeout).ConfigureAwait(false);
                reply = await session.ReadAsync(timeout).ConfigureAwait(false);
            }

            SmarthostSession.Expect("AUTH PLAIN", reply, 235);
        }
        else if (mechanisms.Contains("LOGIN"))
        {
            await session.WriteAsync("AUTH LOGIN\r\n", timeout).ConfigureAwait(false);
            SmarthostSession.Expect("AUTH LOGIN", await session.ReadAsync(timeout).ConfigureAwait(false), 334);
            await session.WriteAsync(Base64(user) + "\r\n", timeout).ConfigureAwait(false);
            SmarthostSession.Expect("AUTH LOGIN", await session.ReadAsync(timeout).ConfigureAwait(false), 334);
            await session.WriteAsync(Base64(password) + "\r\n", timeout).ConfigureAwait(false);
            SmarthostSession.Expect("AUTH LOGIN", await session.ReadAsync(timeout).ConfigureAwait(false), 235);
        }
        else
        {
            var offered = mechanisms.Count == 0 ? "none" : string.Join(' ', mechanisms.Order(StringComparer.Ordinal));
            throw new SmarthostProtocolException($"the smarthost offers no login this relay speaks (PLAIN, LOGIN); it offers {offered}");
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
}
