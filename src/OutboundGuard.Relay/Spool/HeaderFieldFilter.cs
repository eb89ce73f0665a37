using System.Buffers;
using System.Text;

namespace OutboundGuard.Relay;

/// <summary>
/// Watches the header block (RFC 5322 §2.2) of a message as its content streams to the spool, in chunks split
/// anywhere: keeps the values of the header fields it is asked for (unfolded, at most 998 octets each) and leaves
/// out those it is told to strip, continuation lines included. The body passes through untouched. The SMTP layer
/// hands over CRLF line endings only, so a line that is just CRLF ends the header block.
/// </summary>
internal sealed class HeaderFieldFilter
{
    private const int MaxNameOctets = 998;
    private const int MaxValueOctets = 998;

    private readonly HashSet<string> _capture;
    private readonly HashSet<string> _strip;
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<byte> _name = [];
    private readonly List<byte> _value = [];
    private State _state = State.LineStart;
    private string? _field;
    private bool _capturing;
    private bool _stripping;

    private enum State
    {
        LineStart,
        EmptyLine,
        Name,
        Field,
        Body,
    }

    /// <param name="capture">Header field names whose values to keep (case-insensitive).</param>
    /// <param name="strip">Header field names to leave out of the content (case-insensitive).</param>
    public HeaderFieldFilter(IEnumerable<string> capture, IEnumerable<string> strip)
    {
        _capture = new HashSet<string>(capture, StringComparer.OrdinalIgnoreCase);
        _strip = new HashSet<string>(strip, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>True when there is nothing to watch: the content may bypass the filter.</summary>
    public bool IsIdle => _capture.Count == 0 && _strip.Count == 0;

    /// <summary>Every value of the field seen so far, in order (none when it is absent).</summary>
    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var values) ? values : [];

    /// <summary>Passes one chunk of content through; what is kept is written to <paramref name="output"/>.</summary>
    public void Filter(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        var i = 0;
        while (i < chunk.Length)
        {
            if (_state == State.Body)
            {
                output.Write(chunk[i..]);
                return;
            }

            var b = chunk[i++];
            switch (_state)
            {
                case State.LineStart when b == (byte)'\r':
                    EndField();
                    _state = State.EmptyLine;
                    break;
                case State.LineStart when b is (byte)' ' or (byte)'\t':
                    // Folding whitespace: the line continues the field before it (RFC 5322 §2.2.3).
                    _state = State.Field;
                    Take(b, output);
                    break;
                case State.LineStart:
                    EndField();
                    _name.Clear();
                    _name.Add(b);
                    _state = State.Name;
                    break;
                case State.EmptyLine:
                    Write(output, (byte)'\r');
                    Write(output, b);
                    _state = State.Body;
                    break;
                case State.Name when b == (byte)':':
                    _field = Encoding.ASCII.GetString([.. _name]).Trim();
                    _capturing = _capture.Contains(_field);
                    _stripping = _strip.Contains(_field);
                    _value.Clear();
                    if (!_stripping)
                    {
                        output.Write([.. _name, b]);
                    }

                    _state = State.Field;
                    break;
                case State.Name when b == (byte)'\n' || _name.Count >= MaxNameOctets:
                    // Not a header field (no colon on the line, or an endless name): passed on as it is, never matched.
                    output.Write([.. _name, b]);
                    _field = null;
                    _capturing = _stripping = false;
                    _state = b == (byte)'\n' ? State.LineStart : State.Field;
                    break;
                case State.Name:
                    _name.Add(b);
                    break;
                case State.Field:
                    Take(b, output);
                    if (b == (byte)'\n')
                    {
                        _state = State.LineStart;
                    }

                    break;
            }
        }
    }

    /// <summary>Ends the content: a header block without a body still has its last field counted.</summary>
    public void Complete()
    {
        if (_state != State.Body)
        {
            EndField();
        }
    }

    private void Take(byte b, IBufferWriter<byte> output)
    {
        if (_capturing && b is not ((byte)'\r' or (byte)'\n') && _value.Count < MaxValueOctets)
        {
            _value.Add(b);
        }

        if (!_stripping)
        {
            Write(output, b);
        }
    }

    private void EndField()
    {
        if (_field is not null && _capturing)
        {
            if (!_values.TryGetValue(_field, out var values))
            {
                _values[_field] = values = [];
            }

            values.Add(Encoding.UTF8.GetString([.. _value]).Trim());
        }

        _field = null;
        _capturing = _stripping = false;
    }

    private static void Write(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
