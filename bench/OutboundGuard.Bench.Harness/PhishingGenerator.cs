using System.Globalization;
using System.Text;

namespace OutboundGuard.Bench;

/// <summary>
/// Phishing notifications of the kinds compromised accounts send: fake sign-in alerts, "a private message is
/// waiting", shared-document and mailbox-quota notices, each with a look-alike login link. Deterministic (seeded).
/// </summary>
internal static class PhishingGenerator
{
    private static readonly (string Brand, string[] Hosts)[] Brands =
    [
        ("Microsoft", ["rnicrosoft-login.com", "micros0ft-account.net", "login.microsoftonline.verify-session.info", "office365-secure-signin.com"]),
        ("PayPal", ["paypa1-secure.net", "paypal.com.account-review.co", "paypal-resolution-center.org"]),
        ("Apple", ["appleid.apple.com.signin-locked.net", "app1e-id-support.com"]),
        ("Google", ["accounts.google.com.security-check.top", "g00gle-accounts.net"]),
        ("DocuSign", ["docusign.envelope-view.net", "d0cusign-secure.com"]),
        ("Dropbox", ["dropbox-shared-files.com", "dropb0x-transfer.net"]),
    ];

    private static readonly string[] Names = ["Alex", "Maria", "John", "Priya", "Wei", "Fatima", "Lukas", "Sofia", "Daniel", "Aisha"];
    private static readonly string[] Places = ["Lagos, Nigeria", "Moscow, Russia", "Jakarta, Indonesia", "Sao Paulo, Brazil", "Kyiv, Ukraine", "Hanoi, Vietnam"];

    private static readonly Func<Random, string, string, string, (string Subject, string Text)>[] Templates =
    [
        (r, brand, url, name) => ($"{brand} account: unusual sign-in activity",
            $"Hello {name},\r\n\r\nWe detected a sign-in attempt to your {brand} account from {Places[r.Next(Places.Length)]}.\r\nIf this was not you, verify your identity within 24 hours or your account will be suspended:\r\n\r\n{url}\r\n\r\nThe {brand} account team\r\n"),
        (r, brand, url, name) => ("You have a private message waiting",
            $"Dear {name},\r\n\r\nYou have received {r.Next(1, 5)} secure message(s) that could not be delivered to your inbox.\r\nSign in to read your private message before it expires:\r\n\r\n{url}\r\n\r\nSecure Messaging Service\r\n"),
        (r, brand, url, name) => ($"{name} shared a document with you via {brand}",
            $"Hi,\r\n\r\n{name} has shared \"Invoice_{r.Next(1000, 9999)}.pdf\" with you.\r\nLog in with your email password to view the document:\r\n\r\n{url}\r\n\r\nThis link expires in 48 hours.\r\n"),
        (r, brand, url, name) => ("Mailbox storage full - action required",
            $"Dear user,\r\n\r\nYour mailbox has exceeded its storage limit ({r.Next(95, 100)}%). Incoming mail will be rejected.\r\nConfirm your account password to upgrade your quota now:\r\n\r\n{url}\r\n\r\nIT Helpdesk\r\n"),
        (r, brand, url, name) => ($"Action required: confirm your {brand} password",
            $"Hello {name},\r\n\r\nYour {brand} password expires today. Keep your current password by confirming your login details here:\r\n\r\n{url}\r\n\r\nFailure to do so will lock your account.\r\n"),
    ];

    public static int Write(string folder, int count)
    {
        var random = new Random(20260101);
        for (var i = 0; i < count; i++)
        {
            var (brand, hosts) = Brands[random.Next(Brands.Length)];
            var host = hosts[random.Next(hosts.Length)];
            var name = Names[random.Next(Names.Length)];
            var url = $"https://{host}/login?session={random.Next():x}&user={name.ToLowerInvariant()}";
            var (subject, text) = Templates[random.Next(Templates.Length)](random, brand, url, name);
            var html = "<html><body><p>" + text.Replace("\r\n\r\n", "</p><p>", StringComparison.Ordinal).Replace(url, $"<a href=\"{url}\">https://login.{brand.ToLowerInvariant()}.com/</a>", StringComparison.Ordinal) + "</p></body></html>";
            var boundary = $"b{random.Next():x}";
            var message = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"From: \"{brand} Security\" <noreply{i}@tenant{i % 40}.example>\r\n")
                .Append(CultureInfo.InvariantCulture, $"To: {name.ToLowerInvariant()}{i}@example.org\r\n")
                .Append(CultureInfo.InvariantCulture, $"Subject: {subject}\r\n")
                .Append(CultureInfo.InvariantCulture, $"Date: {new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero).AddMinutes(i):R}\r\n")
                .Append(CultureInfo.InvariantCulture, $"Message-ID: <phish{i}@tenant{i % 40}.example>\r\n")
                .Append("MIME-Version: 1.0\r\n")
                .Append(CultureInfo.InvariantCulture, $"Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n")
                .Append(CultureInfo.InvariantCulture, $"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n")
                .Append(CultureInfo.InvariantCulture, $"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n")
                .Append(CultureInfo.InvariantCulture, $"--{boundary}--\r\n");
            File.WriteAllText(Path.Combine(folder, $"{i:D5}.eml"), message.ToString());
        }

        return count;
    }
}
