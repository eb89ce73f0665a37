namespace OutboundGuard.Scoring.Campaigns;

/// <summary>
/// Finds items whose 64-bit fingerprint is within <see cref="BodyFingerprint.SameCampaignDistance"/> bits of a
/// given one without comparing against every item: the fingerprint is cut into seven blocks, and two
/// fingerprints at most six bits apart agree exactly on at least one block (pigeonhole), so only items sharing a
/// block value are candidates. Not thread-safe; the tracker holds its lock.
/// </summary>
internal sealed class FingerprintIndex<T>
    where T : class
{
    private static readonly (int Shift, int Bits)[] Blocks = [(0, 10), (10, 9), (19, 9), (28, 9), (37, 9), (46, 9), (55, 9)];

    private readonly List<T>?[][] _buckets = [.. Blocks.Select(b => new List<T>?[1 << b.Bits])];

    public void Add(ulong fingerprint, T item)
    {
        for (int i = 0; i < Blocks.Length; i++)
        {
            (_buckets[i][Key(fingerprint, i)] ??= []).Add(item);
        }
    }

    public void Remove(ulong fingerprint, T item)
    {
        for (int i = 0; i < Blocks.Length; i++)
        {
            _buckets[i][Key(fingerprint, i)]?.Remove(item);
        }
    }

    /// <summary>Every item that may be within the distance (some are farther; each may come more than once).</summary>
    public IEnumerable<T> Candidates(ulong fingerprint)
    {
        for (int i = 0; i < Blocks.Length; i++)
        {
            if (_buckets[i][Key(fingerprint, i)] is { } bucket)
            {
                foreach (T item in bucket)
                {
                    yield return item;
                }
            }
        }
    }

    /// <summary>The bucket lists holding candidates of <paramref name="fingerprint"/>, for allocation-free iteration.</summary>
    public List<T>? Bucket(ulong fingerprint, int block) => _buckets[block][Key(fingerprint, block)];

    public static int BlockCount => Blocks.Length;

    private static int Key(ulong fingerprint, int block) => (int)((fingerprint >> Blocks[block].Shift) & ((1UL << Blocks[block].Bits) - 1));
}
