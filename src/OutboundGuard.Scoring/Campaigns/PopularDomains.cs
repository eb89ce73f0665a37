namespace OutboundGuard.Scoring.Campaigns;

/// <summary>
/// Sites that ordinary mail links to everywhere (search, documents, meetings, social networks, big shops, reference):
/// two unrelated senders sharing a link to one of them says nothing about either, so they never form a link-domain set.
/// </summary>
public static class PopularDomains
{
    private static readonly HashSet<string> Domains = new(StringComparer.OrdinalIgnoreCase)
    {
        "google.com", "youtube.com", "gmail.com", "goo.gl", "g.page", "microsoft.com", "office.com", "live.com", "outlook.com",
        "sharepoint.com", "teams.microsoft.com", "microsoftonline.com", "office365.com", "onedrive.com", "bing.com", "zoom.us",
        "linkedin.com", "facebook.com", "instagram.com", "twitter.com", "x.com", "tiktok.com", "whatsapp.com", "wa.me",
        "apple.com", "icloud.com", "amazon.com", "amazon.co.uk", "amazon.de", "ebay.com", "paypal.com", "stripe.com",
        "dropbox.com", "box.com", "wetransfer.com", "github.com", "gitlab.com", "atlassian.net", "atlassian.com", "slack.com",
        "notion.so", "trello.com", "wikipedia.org", "wikimedia.org", "yahoo.com", "reddit.com", "medium.com", "wordpress.com",
        "shopify.com", "squarespace.com", "wix.com", "mailchimp.com", "calendly.com", "docusign.net", "docusign.com",
        "adobe.com", "canva.com", "figma.com", "spotify.com", "netflix.com", "vimeo.com", "booking.com", "airbnb.com",
        "tripadvisor.com", "maps.app.goo.gl", "openstreetmap.org", "bbc.co.uk", "bbc.com", "nytimes.com", "cnn.com",
        "salesforce.com", "hubspot.com", "zendesk.com", "intercom.io", "webex.com", "gotomeeting.com", "skype.com",
        "surveymonkey.com", "typeform.com", "eventbrite.com", "meetup.com", "archive.org", "w3.org", "ietf.org",
    };

    /// <summary>Whether <paramref name="registrableDomain"/> is one of them.</summary>
    public static bool Contains(string registrableDomain) => Domains.Contains(registrableDomain);
}
