using System.Text.RegularExpressions;

namespace OutboundGuard.Reliability.Tests.Support;

/// <summary>
/// Where every accepted message ended: delivered downstream (found in the sink by its X-Test-Id), still in
/// the queue, or quarantined (its row in <c>messages</c>, found by its subject). Lost = accepted minus all three.
/// </summary>
public sealed partial record DeliveryAccounting(
    int Accepted,
    IReadOnlyDictionary<string, int> Delivered,
    IReadOnlyCollection<string> Queued,
    IReadOnlyCollection<string> Quarantined,
    IReadOnlyCollection<string> Lost)
{
    /// <summary>Test ids delivered more than once.</summary>
    public IReadOnlyCollection<string> Duplicates => Delivered.Where(d => d.Value > 1).Select(d => d.Key).ToList();

    public static async Task<DeliveryAccounting> ComputeAsync(IReadOnlyCollection<string> accepted, IEnumerable<string> sinkFiles, RelayHarness harness)
    {
        var delivered = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in sinkFiles)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(file);
            }
            catch (IOException)
            {
                continue;
            }

            var match = TestIdHeader().Match(text);
            if (match.Success)
            {
                delivered[match.Groups[1].Value] = delivered.GetValueOrDefault(match.Groups[1].Value) + 1;
            }
        }

        var rows = await harness.MessageSubjectsAsync();
        string IdOf(string subject) => subject.StartsWith("load ", StringComparison.Ordinal) ? subject[5..] : subject;
        var queued = rows.Where(r => r.State is "queued" or "deferred" or "delivering").Select(r => IdOf(r.Subject)).ToHashSet(StringComparer.Ordinal);
        var quarantined = rows.Where(r => r.State == "quarantined").Select(r => IdOf(r.Subject)).ToHashSet(StringComparer.Ordinal);
        var lost = accepted.Where(id => !delivered.ContainsKey(id) && !queued.Contains(id) && !quarantined.Contains(id)).ToList();
        return new DeliveryAccounting(accepted.Count, delivered, queued, quarantined, lost);
    }

    public override string ToString()
        => $"accepted {Accepted}, delivered {Delivered.Count} (duplicates {Duplicates.Count}), queued {Queued.Count}, quarantined {Quarantined.Count}, lost {Lost.Count}: {string.Join(' ', Lost.Take(5))}";

    [GeneratedRegex(@"X-Test-Id: (\S+)")]
    private static partial Regex TestIdHeader();
}
