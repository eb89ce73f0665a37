namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>What the scripted server saw on one connection: every command line in order, TLS and AUTH. Thread-safe.</summary>
public sealed class ScriptedSession
{
    private readonly Lock _lock = new();
    private readonly List<(string Line, bool UnderTls)> _commands = [];
    private bool _tls;
    private string? _authMechanism;
    private bool _authUnderTls;
    private bool _authenticated;

    /// <summary>Every command line received (as sent, without CRLF; not the AUTH challenge responses), in order.</summary>
    public IReadOnlyList<string> Commands => Read(() => _commands.Select(c => c.Line).ToList());

    /// <summary>The command lines received over TLS: all of them with implicit TLS, those after STARTTLS otherwise.</summary>
    public IReadOnlyList<string> CommandsUnderTls => Read(() => _commands.Where(c => c.UnderTls).Select(c => c.Line).ToList());

    /// <summary>Whether the connection is under TLS now.</summary>
    public bool IsTls => Read(() => _tls);

    /// <summary>The mechanism of the last AUTH command with a mechanism the server offers (PLAIN, LOGIN), or null.</summary>
    public string? AuthMechanism => Read(() => _authMechanism);

    /// <summary>Whether the connection was under TLS at that AUTH.</summary>
    public bool AuthUnderTls => Read(() => _authUnderTls);

    /// <summary>Whether that AUTH succeeded (235).</summary>
    public bool Authenticated => Read(() => _authenticated);

    internal void Command(string line)
    {
        lock (_lock)
        {
            _commands.Add((line, _tls));
        }
    }

    internal void TlsStarted()
    {
        lock (_lock)
        {
            _tls = true;
        }
    }

    internal void Auth(string mechanism, bool succeeded)
    {
        lock (_lock)
        {
            (_authMechanism, _authUnderTls, _authenticated) = (mechanism, _tls, succeeded);
        }
    }

    private T Read<T>(Func<T> read)
    {
        lock (_lock)
        {
            return read();
        }
    }
}
