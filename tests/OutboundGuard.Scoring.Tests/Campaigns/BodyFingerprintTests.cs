using OutboundGuard.Scoring.Campaigns;

namespace OutboundGuard.Scoring.Tests.Campaigns;

public class BodyFingerprintTests
{
    private static string Template(string name, string link, string date) =>
        $"Dear {name}, your mailbox storage is almost full. To keep receiving messages please confirm your account at {link} " +
        $"before {date}. Failure to do so within 24 hours will lead to the loss of incoming mail. Regards, the IT service desk team.";

    [Fact]
    public void The_same_template_with_other_names_links_and_numbers_is_within_the_campaign_distance()
    {
        ulong a = BodyFingerprint.Compute("Mailbox full", Template("Alice", "https://a.example/x?id=123", "12 May"))!.Value;
        ulong b = BodyFingerprint.Compute("Mailbox full", Template("Robert", "https://b.example/track/98765", "3 June"))!.Value;
        Assert.InRange(BodyFingerprint.Distance(a, b), 0, BodyFingerprint.SameCampaignDistance);
    }

    [Fact]
    public void Different_texts_are_far_apart()
    {
        ulong a = BodyFingerprint.Compute("Mailbox full", Template("Alice", "https://a.example/", "12 May"))!.Value;
        ulong b = BodyFingerprint.Compute("Lunch", "Hi Alice, are we still on for lunch on Thursday? The new place near the office has good soup and it is not too expensive either.")!.Value;
        Assert.True(BodyFingerprint.Distance(a, b) > 16, $"distance {BodyFingerprint.Distance(a, b)}");
    }

    [Fact]
    public void Very_short_bodies_have_no_fingerprint()
    {
        Assert.Null(BodyFingerprint.Compute("ok", "thanks"));
    }

    [Fact]
    public void The_url_set_fingerprint_ignores_order_and_duplicates()
    {
        Assert.Equal(BodyFingerprint.OfUrlSet(["a.example", "b.example"]), BodyFingerprint.OfUrlSet(["b.example", "a.example", "A.example"]));
        Assert.Equal(0UL, BodyFingerprint.OfUrlSet([]));
    }
}
