namespace OutboundGuard.Fuzz.Targets;

/// <summary>A fuzz target's invariant did not hold for an input.</summary>
public sealed class InvariantException : Exception
{
    public InvariantException()
    {
    }

    public InvariantException(string message)
        : base(message)
    {
    }

    public InvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
