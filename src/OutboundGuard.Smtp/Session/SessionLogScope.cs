using System.Collections;
using System.Net;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// The logging scope of one connection: SessionId and ClientIp. A logging provider reads it only when an event is
/// written, so a session that logs nothing but its summary costs one small object, not a dictionary and an address
/// string made in advance.
/// </summary>
internal sealed class SessionLogScope(string sessionId, IPAddress clientIp) : IReadOnlyList<KeyValuePair<string, object>>
{
    private string? _clientIp;

    public int Count => 2;

    public KeyValuePair<string, object> this[int index] => index switch
    {
        0 => new("SessionId", sessionId),
        1 => new("ClientIp", _clientIp ??= clientIp.ToString()),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"SessionId:{sessionId} ClientIp:{this[1].Value}";
}
