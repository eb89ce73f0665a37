using System.Security.Cryptography;
using System.Text;
using MimeKit;
using OutboundGuard.Relay.Tests.TestBed;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Relay.Tests.Scoring;

/// <summary>Real spooled files through the scorer and the scoring box's default pipeline: what it reads and decides.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MessageScorerTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_ordinary_message_is_parsed_and_scored_to_relay_with_its_subject()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var message = await bed.SpoolAsync(account, RelayBed.OrdinaryMessage(account, "Quarterly figures"), "bob@example.org", "carol@example.net");

        var scored = await bed.Scorer.ScoreAsync(message, CancellationToken.None);

        Assert.Equal(VerdictAction.Relay, scored.Verdict.Action);
        Assert.Null(scored.Result.Hold);
        Assert.Equal("Quarterly figures", scored.Subject);
        Assert.Equal(account.Address, scored.Review.Content!.From.Mailboxes.Single().Address);
        Assert.Contains("We agreed to move the review to Thursday.", scored.Review.Content.TextBody, StringComparison.Ordinal);
        Assert.Equal((account.Id, account.Address, message.SizeOctets), (scored.Review.Account.Id, scored.Review.EnvelopeSender, scored.Review.SizeOctets));
        Assert.Equal(["bob@example.org", "carol@example.net"], scored.Review.Recipients);
        Assert.Equal(message.Session.SessionId, scored.Review.SessionId);
        Assert.Equal(1, bed.Metrics.ScoringRuns);
    }

    [Fact]
    public async Task A_message_over_the_scan_window_and_part_limit_is_scored_on_its_bounded_part_and_relayed_whole()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var sentence = "The warehouse inventory for December is listed below, item by item, with counts per shelf.\r\n";
        var text = new StringBuilder();
        while (text.Length < MessageScorer.MaxScoredPartChars + (64 * 1024))
        {
            text.Append(sentence);
        }

        var attachment = new byte[(int)MessageScorer.ScanWindowOctets];
        new Random(7).NextBytes(attachment);
        var content = $"""
            From: Ana Silva <{account.Address}>
            To: someone@example.org
            Subject: December inventory
            Date: Tue, 01 Dec 2026 10:00:00 +0000
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="inventory-boundary"

            --inventory-boundary
            Content-Type: text/plain; charset=utf-8

            {text}
            --inventory-boundary
            Content-Type: application/octet-stream; name="inventory.bin"
            Content-Disposition: attachment; filename="inventory.bin"
            Content-Transfer-Encoding: base64

            {Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks)}
            --inventory-boundary--

            """;
        var message = await bed.SpoolAsync(account, content);
        var spooled = await File.ReadAllBytesAsync(message.SpoolPath);

        var scored = await bed.Scorer.ScoreAsync(message, CancellationToken.None);

        Assert.True(message.SizeOctets > MessageScorer.ScanWindowOctets + text.Length);
        Assert.Equal(VerdictAction.Relay, scored.Verdict.Action);
        Assert.Equal("December inventory", scored.Subject);
        // Scoring read the text part up to the part limit, and the attachment only as far as the scan window reaches.
        var textPart = Assert.Single(scored.Review.Content!.BodyParts.OfType<TextPart>());
        Assert.Equal(MessageScorer.MaxScoredPartChars, textPart.Text.Length);
        var scannedAttachment = Assert.Single(scored.Review.Content.Attachments.OfType<MimePart>());
        using var decoded = new MemoryStream();
        scannedAttachment.Content!.DecodeTo(decoded);
        Assert.InRange(decoded.Length, 1, attachment.Length - 1);

        // The message itself is accepted as it arrived: row queued, spool file unchanged octet for octet.
        var reply = await bed.Dispatcher.ApplyAsync(message, scored, CancellationToken.None);
        Assert.Equal(250, reply.Code);
        Assert.Equal(("queued", "default"), await bed.MessageRowAsync(message.Id));
        Assert.Equal(SHA256.HashData(spooled), SHA256.HashData(await File.ReadAllBytesAsync(message.SpoolPath)));
        Assert.Equal(message.SizeOctets, spooled.Length);
    }

    [Fact]
    public async Task A_phishing_message_with_a_look_alike_link_gets_its_evidence_in_plain_words_and_is_quarantined()
    {
        await using var bed = new RelayBed(postgres);
        var account = await bed.NewAccountAsync();
        var content = $"""
            From: PayPal Service <{account.Address}>
            To: someone@example.org
            Subject: Your account has been limited
            Date: Tue, 01 Dec 2026 10:00:00 +0000
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8

            <html><body>
            <p>Dear customer,</p>
            <p>We noticed unusual activity and your account has been limited. Verify your account within 24 hours
            or it will be suspended.</p>
            <p><a href="https://paypa1-secure.com/signin/verify">https://www.paypal.com/signin</a></p>
            </body></html>

            """;
        var message = await bed.SpoolAsync(account, content);

        var scored = await bed.Scorer.ScoreAsync(message, CancellationToken.None);

        Assert.Equal(VerdictAction.Quarantine, scored.Verdict.Action);
        var texts = scored.Verdict.Evidence.Select(e => e.Text).ToList();
        Assert.Contains("link to paypa1-secure.com imitates paypal", texts);
        Assert.Contains("link text says www.paypal.com, href goes to paypa1-secure.com", texts);

        var reply = await bed.Dispatcher.ApplyAsync(message, scored, CancellationToken.None);
        Assert.Equal((250, $"Queued as {message.Id:N}"), (reply.Code, reply.Text));
        Assert.Equal(("quarantined", "default"), await bed.MessageRowAsync(message.Id));
        Assert.Equal(0, bed.Delivery.Queued);
    }
}
