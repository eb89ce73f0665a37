namespace OutboundGuard.Admin.Review;

/// <summary>What a review decision did.</summary>
public sealed record ReviewOutcome(
    string Account,
    string Decision,
    string State,
    bool CredentialResetRequired,
    IReadOnlyList<Guid> Released,
    IReadOnlyList<Guid> Deleted,
    IReadOnlyList<string> FingerprintsBlocked,
    IReadOnlyList<string> FingerprintsUnblocked,
    int LearnedByContentModel);
