namespace OutboundGuard.Storage.Verdicts;

/// <summary>A stored scoring decision with its evidence.</summary>
public sealed class VerdictRecord
{
    public long Id { get; set; }
    public long? AccountId { get; set; }
    public Guid? MessageId { get; set; }
    public string SessionId { get; set; } = "";
    public string Action { get; set; } = "";
    public double Score { get; set; }
    public string Reason { get; set; } = "";

    /// <summary>The evidence as stored (JSON array of {detector, weight, text}).</summary>
    public string Evidence { get; set; } = "[]";
    public string? EnvelopeFrom { get; set; }
    public int RecipientCount { get; set; }
    public string? Subject { get; set; }
    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>The evidence parsed back into values.</summary>
    public IReadOnlyList<Domain.Evidence> EvidenceItems => VerdictRepository.ParseEvidence(Evidence);
}
