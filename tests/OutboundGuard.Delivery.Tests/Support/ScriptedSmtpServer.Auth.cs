using System.Text;

namespace OutboundGuard.Delivery.Tests.Support;

// The scripted server's SMTP AUTH (RFC 4954), opt-in with Username.
public sealed partial class ScriptedSmtpServer
{
    /// <summary>
    /// AUTH PLAIN (initial response, or an empty 334 challenge for it; RFC 4616) and AUTH LOGIN (base64 "Username:"
    /// and "Password:" challenges), as far as the EHLO reply offers them (RFC 4954). True on success.
    /// </summary>
    private async Task<bool> AuthenticateAsync(string line, LineReader reader, ScriptedSession session, Func<string, Task> send)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var mechanism = words.Length > 1 ? words[1].ToUpperInvariant() : "";
        var offered = Keywords.Where(k => k.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase)).SelectMany(k => k.Split(' ').Skip(1));
        if (mechanism is not ("PLAIN" or "LOGIN") || !offered.Contains(mechanism, StringComparer.OrdinalIgnoreCase))
        {
            await send("504 5.5.4 Unrecognized authentication type");
            return false;
        }

        async Task<string?> ChallengeAsync(string challenge)
        {
            await send("334 " + challenge);
            var answer = await reader.ReadLineAsync(_stop.Token);
            return answer == "*" ? null : answer;
        }

        var initial = words.Length > 2 ? words[2] : null;
        string? user, password;
        if (mechanism == "PLAIN")
        {
            // authzid NUL authcid NUL passwd
            var fields = Decode(initial ?? await ChallengeAsync(""))?.Split('\0');
            (user, password) = fields is { Length: 3 } ? (fields[1], fields[2]) : (null, null);
        }
        else
        {
            user = Decode(initial ?? await ChallengeAsync(Convert.ToBase64String("Username:"u8)));
            password = user is null ? null : Decode(await ChallengeAsync(Convert.ToBase64String("Password:"u8)));
        }

        var succeeded = user is not null && user == Username && password == Password;
        session.Auth(mechanism, succeeded);
        await send(succeeded ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
        return succeeded;
    }

    private static string? Decode(string? base64)
    {
        if (base64 is null)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
