using System.Buffers;

namespace OutboundGuard.Fuzz.Targets;

/// <summary>Splits octets into a multi-segment <see cref="ReadOnlySequence{T}"/>, as a socket's reads would arrive.</summary>
public static class Segments
{
    /// <summary>Segments of 1 + (<paramref name="seed"/> mod 64) octets, varied per segment.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, byte seed)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        var offset = 0;
        var size = 1 + (seed % 64);
        while (offset < data.Length)
        {
            var length = Math.Min(size, data.Length - offset);
            var memory = new ReadOnlyMemory<byte>(data, offset, length);
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
            offset += length;
            size = 1 + ((size * 7) + seed) % 64;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
