using System.Buffers;

namespace OutboundGuard.Smtp.Tests.Support;

/// <summary>Builds multi-segment sequences: whole, one octet per segment, or split at random.</summary>
public static class Segments
{
    public static ReadOnlySequence<byte> Whole(byte[] bytes) => new(bytes);

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes) => Build(bytes.Select(b => new[] { b }).ToList());

    public static ReadOnlySequence<byte> RandomSplit(byte[] bytes, Random random)
    {
        var parts = new List<byte[]>();
        var i = 0;
        while (i < bytes.Length)
        {
            var n = random.Next(1, Math.Max(2, bytes.Length - i + 1));
            parts.Add(bytes[i..Math.Min(bytes.Length, i + n)]);
            i += n;
        }

        return Build(parts);
    }

    /// <summary>The three ways of splitting used by every parser and decoder test (random with a fixed seed per case).</summary>
    public static IEnumerable<(string Name, ReadOnlySequence<byte> Sequence)> AllSplits(byte[] bytes)
    {
        yield return ("whole", Whole(bytes));
        yield return ("one byte per segment", OneBytePerSegment(bytes));
        for (var seed = 0; seed < 5; seed++)
        {
            yield return ($"random split {seed}", RandomSplit(bytes, new Random(seed)));
        }
    }

    private static ReadOnlySequence<byte> Build(List<byte[]> parts)
    {
        if (parts.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
