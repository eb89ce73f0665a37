namespace OutboundGuard.Smtp.Content;

/// <summary>
/// Checks BDAT content (RFC 3030), which is not dot-stuffed and has no end marker, for the same
/// violations as DATA content. State is kept between chunks, so a CR at the end of one chunk pairs
/// with an LF at the start of the next.
/// </summary>
internal struct BinaryContentChecker
{
    private readonly int _maxLineLength;
    private bool _pendingCr;
    private int _lineLength;

    public BinaryContentChecker(int maxLineLength) => _maxLineLength = maxLineLength;

    public ContentViolations Violations { get; private set; }

    public void Check(ReadOnlySpan<byte> content)
    {
        foreach (var b in content)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (b == (byte)'\n')
                {
                    _lineLength = 0;
                    continue;
                }

                Violations |= ContentViolations.BareLineEnding;
            }

            switch (b)
            {
                case (byte)'\r':
                    _pendingCr = true;
                    continue;
                case (byte)'\n':
                    Violations |= ContentViolations.BareLineEnding;
                    break;
                case 0:
                    Violations |= ContentViolations.Nul;
                    break;
            }

            if (++_lineLength > _maxLineLength - 2)
            {
                Violations |= ContentViolations.LineTooLong;
            }
        }
    }

    /// <summary>Called after the last chunk: a CR at the very end is bare.</summary>
    public void Finish()
    {
        if (_pendingCr)
        {
            Violations |= ContentViolations.BareLineEnding;
        }
    }
}
