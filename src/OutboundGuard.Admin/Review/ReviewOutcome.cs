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
    int LearnedByContentModel)
{
    /// <summary>For a false alarm: the accounts that were suspended through this one (its fingerprints or links).</summary>
    public IReadOnlyList<string> LinkedSuspensions { get; init; } = [];

    /// <summary>Whether those accounts were reinstated too (<c>OutboundGuard:Admin:ReinstateLinkedOnFalseAlarm</c>) or only listed.</summary>
    public bool LinkedReinstated { get; init; }
}
