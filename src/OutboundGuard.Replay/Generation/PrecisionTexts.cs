using System.Globalization;
using System.Text;

namespace OutboundGuard.Replay.Generation;

/// <summary>
/// What honest senders really write, for the precision scenario: one-line replies and boilerplate that many
/// people send word for word, links to the same popular sites, names, and a tiny valid PDF for invoices.
/// </summary>
public static class PrecisionTexts
{
    /// <summary>Replies under 8 words, identical across tenants.</summary>
    public static IReadOnlyList<string> ShortReplies { get; } =
    [
        "ok thanks", "see attached", "call me when free", "Thanks, received.", "sounds good", "will do", "On my way.",
        "Yes please.", "See you at 3.", "Noted, thanks!", "Can we move this to Friday?", "Perfect, thank you.",
        "Got it.", "Approved.", "Running 10 min late.", "Let's discuss tomorrow.",
    ];

    /// <summary>Boilerplate bodies sent word for word by many accounts (invoices, forwards, notices).</summary>
    public static IReadOnlyList<string> Boilerplate { get; } =
    [
        "Please find attached the invoice.\n\nKind regards,",
        "Please find attached the signed contract.\n\nBest regards,",
        "---------- Forwarded message ---------\nSubject: Office closed on Monday\n\nPlease note the office is closed on Monday for maintenance.",
        "---------- Forwarded message ---------\nSubject: Parking permits\n\nNew parking permits are available at reception from Wednesday.",
        "Hi,\n\nplease see below.\n\nThanks,",
        "I am out of the office until Monday with limited access to e-mail. For urgent matters please call the office.",
        "Please confirm receipt.\n\nRegards,",
    ];

    /// <summary>Subjects for short replies and boilerplate.</summary>
    public static IReadOnlyList<string> ShortSubjects { get; } =
    [
        "Re: meeting", "Re: tomorrow", "Re: invoice", "Fwd: notice", "Re: quick question", "Re: documents", "Re: schedule", "Invoice", "Re: call",
    ];

    /// <summary>Signature lines appended by phones and mail programs.</summary>
    public static IReadOnlyList<string> Signatures { get; } = ["Sent from my iPhone", "Sent from my Android phone", "Get Outlook for iOS", ""];

    /// <summary>Link sets to popular sites; many accounts share the same set.</summary>
    public static IReadOnlyList<string[]> PopularLinks { get; } =
    [
        ["https://docs.google.com/document/d/1aB3xYz/edit"],
        ["https://zoom.us/j/84512345678"],
        ["https://teams.microsoft.com/l/meetup-join/19%3ameeting", "https://www.microsoft.com/en-us/microsoft-teams/download-app"],
        ["https://www.linkedin.com/in/profile"],
        ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
        ["https://www.dropbox.com/s/abc123/plans.pdf?dl=0"],
        ["https://github.com/dotnet/runtime/issues/1"],
        ["https://www.amazon.com/dp/B08N5WRWNW"],
        ["https://en.wikipedia.org/wiki/Simple_Mail_Transfer_Protocol"],
        ["https://www.google.com/maps/place/Central+Station", "https://docs.google.com/spreadsheets/d/1xYz/edit"],
    ];

    public static IReadOnlyList<string> FirstNames { get; } =
    [
        "anna", "ben", "carla", "david", "eva", "felix", "grace", "henry", "ines", "jonas", "kate", "liam", "maria", "noah", "olivia",
        "paul", "queenie", "rosa", "sam", "tara", "umar", "vera", "will", "xenia", "yusuf", "zoe", "alex", "bruno", "chloe", "dan",
    ];

    public static IReadOnlyList<string> LastNames { get; } =
    [
        "smith", "jones", "garcia", "miller", "davis", "martin", "fischer", "weber", "rossi", "bianchi", "dubois", "moreau", "novak",
        "kowalski", "jensen", "hansen", "silva", "santos", "murphy", "kelly", "brown", "wilson", "taylor", "clark", "lewis", "walker",
    ];

    public static IReadOnlyList<string> TenantWords { get; } =
    [
        "bright", "harbor", "oak", "summit", "maple", "river", "cedar", "nova", "pine", "atlas", "clear", "north", "blue", "stone",
        "silver", "green", "iron", "golden", "swift", "lake", "meadow", "copper", "willow", "granite",
    ];

    public static IReadOnlyList<string> TenantKinds { get; } =
    [
        "dental", "legal", "design", "bakery", "plumbing", "consulting", "florist", "accounting", "studio", "garage", "travel",
        "clinic", "architects", "print", "realty", "optics", "builders", "catering",
    ];

    /// <summary>A one-page PDF whose text says <paramref name="line"/>: valid structure and cross-reference table, a few hundred bytes.</summary>
    public static byte[] TinyPdf(string line)
    {
        var escaped = line.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal);
        var stream = $"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            string.Create(CultureInfo.InvariantCulture, $"<< /Length {Encoding.ASCII.GetByteCount(stream)} >>\nstream\n{stream}\nendstream"),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
