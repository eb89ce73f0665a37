namespace OutboundGuard.Replay.Generation;

/// <summary>
/// Ham and spam texts that ship with the generator, so bursts can be built (and tests run) without the
/// SpamAssassin corpus and without the network.
/// </summary>
public static class BuiltInTexts
{
    public static IReadOnlyList<TextSample> Ham { get; } =
    [
        new("Minutes of Tuesday's project meeting", "Hi all,\n\nattached are the minutes of Tuesday's meeting. Action items: Sam updates the rollout plan, Priya checks the test results with the vendor, and I book the room for next week.\n\nThanks,\n"),
        new("Re: invoice 2024-117", "Hello,\n\nthanks for the reminder. The invoice was approved this morning and payment goes out with Friday's run. Let me know if the amount differs from the purchase order.\n\nBest regards,\n"),
        new("Lunch on Thursday?", "Hey,\n\nare you free for lunch on Thursday? The new place near the station has a decent menu. Around 12:30 works for me.\n\nCheers,\n"),
        new("Draft of the quarterly report", "Hi,\n\nhere is my draft of the quarterly report. The numbers for March are still provisional; finance will confirm them by Wednesday. Comments welcome before the end of the week.\n\nRegards,\n"),
        new("Re: Schedule for the workshop", "Hi,\n\nthe workshop starts at 9:00 in room 2.14. Please bring your laptop; we will go through the exercises together. Coffee is provided.\n\nSee you there,\n"),
        new("Holiday cover", "Hi team,\n\nI am away from the 12th to the 19th. Alex covers support tickets; urgent questions about the migration go to Dana.\n\nThanks,\n"),
        new("Your question about the lab booking", "Hello,\n\nthe lab is free on Monday afternoon and Wednesday morning. I have pencilled you in for Monday from 14:00; reply if another slot suits you better.\n\nKind regards,\n"),
        new("Re: contract renewal", "Hi,\n\nlegal had two small remarks on clause 7, otherwise the renewal is fine. I will send the marked-up version tomorrow so we can sign next week.\n\nBest,\n"),
        new("Photos from the weekend", "Hi,\n\nit was great to see you all on Saturday. I uploaded the photos to the family album; the ones from the lake came out really well.\n\nLove,\n"),
        new("Build failing on the release branch", "Hi,\n\nthe nightly build on the release branch fails in the packaging step since yesterday. Looks like the signing certificate path changed. Could you have a look?\n\nThanks,\n"),
    ];

    public static IReadOnlyList<TextSample> Spam { get; } =
    [
        new("Earn $5000 a week from home!!!", "Dear friend,\n\nAre you tired of your job? Our PROVEN system lets you earn $5000 a week from home with no experience. Limited spots available - act NOW!\n\nClick here: http://cash-fast-system.example/join?ref=8812\n\nTo be removed reply REMOVE.\n"),
        new("Cheap meds without prescription", "Best prices on meds online! No prescription needed, discreet shipping worldwide. 80% OFF today only.\n\nOrder now: http://pharma-discount-store.example/shop\n"),
        new("You have won a $1,000 gift card", "Congratulations! You have been selected to receive a $1,000 gift card. Claim your prize within 24 hours before it expires.\n\nClaim: http://prize-claim-center.example/winner?id=55120\n"),
        new("Lose 10 kg in 10 days", "Doctors hate this one simple trick! Lose 10 kg in 10 days without diet or exercise. 100% natural, 100% guaranteed.\n\nhttp://slim-miracle-now.example/offer\n"),
        new("Investment opportunity - guaranteed 300% return", "Dear Sir/Madam,\n\nI am contacting you about a confidential investment with a guaranteed 300% return within 30 days. Reply with your full name and phone number to receive the details.\n\nhttp://crypto-yield-fund.example/invest\n"),
        new("Replica watches at 90% off", "Luxury replica watches, indistinguishable from the originals, at 90% off. Free shipping on orders over $99.\n\nhttp://luxury-replica-outlet.example/\n"),
    ];
}
