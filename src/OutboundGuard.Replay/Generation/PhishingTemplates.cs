using System.Globalization;

namespace OutboundGuard.Replay.Generation;

/// <summary>
/// Customised credential-phishing notifications — fake sign-in alerts, "private message waiting", password
/// expiry, shared documents — each addressed to its recipient by name and pointing at a look-alike login
/// page. The public corpus has little phishing, so these are generated.
/// </summary>
public static class PhishingTemplates
{
    /// <summary>Look-alike login hosts (brand names with swapped letters, digits and extra words).</summary>
    public static IReadOnlyList<string> LookAlikeHosts { get; } =
    [
        "login.micros0ft-verify.com", "secure-0utlook-signin.net", "accounts.g00gle-security.com", "paypa1-resolution-center.com",
        "office365-rnailbox-upgrade.com", "dropb0x-shared-files.net", "app1e-id-support.com", "linkedln-messages.net",
    ];

    private static readonly Func<string, string, string, TextSample>[] Templates =
    [
        (name, link, id) => new TextSample("Unusual sign-in activity on your account",
            $"Hi {name},\n\nWe detected unusual sign-in activity on your account from a new device (Lagos, NG).\nIf this was not you, click here to sign in and secure your account within 24 hours, or your account will be suspended:\n\n{link}\n\nReference: {id}\nThe Account Security Team\n"),
        (name, link, id) => new TextSample("You have a private message waiting",
            $"Hello {name},\n\nYou have 1 new private message waiting from a contact. For your privacy it can only be read after you sign in.\n\nRead message: {link}\n\nMessage id {id}\n"),
        (name, link, id) => new TextSample($"{name}, your password expires today",
            $"Dear {name},\n\nYour mailbox password will expire today. Click the link to keep your current password and avoid losing access to your e-mail:\n\n{link}\n\nTicket {id}\nIT Helpdesk\n"),
        (name, link, id) => new TextSample("A document was shared with you",
            $"Hi {name},\n\nA colleague shared a document with you: \"Q3 salary review.pdf\".\nSign in to view the document:\n\n{link}\n\nShare id {id}\n"),
        (name, link, id) => new TextSample("Action required: verify your account",
            $"Dear {name},\n\nWe could not verify your account details. Please verify your account now to avoid interruption of service. Confirm your details here:\n\n{link}\n\nCase {id}\n"),
    ];

    /// <summary>Look-alike login hosts under the reserved <c>.example</c> name (precision scenario).</summary>
    public static IReadOnlyList<string> LookAlikeExampleHosts { get; } =
    [
        "micros0ft-login.example", "paypa1-secure.example", "g00gle-accounts.example", "app1e-id-verify.example",
        "0utlook-signin.example", "dropb0x-files.example", "linkedln-inbox.example", "office365-rnail.example",
    ];

    /// <summary>One phishing message for a recipient: template and host chosen by the numbers, link personalised.</summary>
    public static TextSample Create(int template, int host, string recipient, int serial)
        => Create(template, LookAlikeHosts[host % LookAlikeHosts.Count], recipient, serial);

    /// <summary>One phishing message for a recipient pointing at <paramref name="host"/>, link personalised.</summary>
    public static TextSample Create(int template, string host, string recipient, int serial)
    {
        var name = NameOf(recipient);
        var id = serial.ToString("X6", CultureInfo.InvariantCulture);
        var link = $"https://{host}/signin?session={id}&user={Uri.EscapeDataString(recipient)}";
        return Templates[template % Templates.Length](name, link, id);
    }

    /// <summary>A document-signing look-alike ("Please DocuSign: …") with a personalised review link to <paramref name="host"/>.</summary>
    public static TextSample DocumentToSign(string sender, string recipient, int serial, string host = "d0cusign-review.example")
    {
        var name = NameOf(recipient);
        var id = serial.ToString("X6", CultureInfo.InvariantCulture);
        var documents = new[] { "Engagement letter", "Settlement agreement", "Retainer update", "Fee schedule 2026", "Power of attorney" };
        var document = documents[serial % documents.Length];
        return new TextSample($"Please DocuSign: {document} {id}.pdf",
            $"Hello {name},\n\n{sender} sent you a document to review and sign: \"{document} {id}.pdf\".\n\nREVIEW DOCUMENT: https://{host}/envelope/{id}?recipient={Uri.EscapeDataString(recipient)}\n\nThis link expires in 48 hours. Sign in with your e-mail account to access the document.\n\nPowered by DocuSign\n");
    }

    private static string NameOf(string recipient)
        => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(recipient.Split('@')[0].Replace('.', ' ').Replace('_', ' '));
}
