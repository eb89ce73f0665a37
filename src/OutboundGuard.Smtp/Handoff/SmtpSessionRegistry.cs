using System.Collections.Concurrent;
using OutboundGuard.Smtp.Session;

namespace OutboundGuard.Smtp.Handoff;

/// <summary>
/// The sessions open on this node, so that the relay layer can end those of an account it has just seen suspended
/// (here, through the CLI, the API, the web UI or on another node). Thread-safe.
/// </summary>
public sealed class SmtpSessionRegistry
{
    private readonly ConcurrentDictionary<SmtpSession, byte> _open = new();

    /// <summary>Sessions open now.</summary>
    public int Count => _open.Count;

    /// <summary>
    /// Ends every open session that sends for <paramref name="account"/> (its AUTH or certificate identity, or the
    /// sender of a connector session's transaction): each is answered <c>421 4.7.1</c> and closed at once when it
    /// waits for a command, or right after the message it is receiving has been answered. Returns how many were asked.
    /// </summary>
    public int EndSessionsOf(string account)
    {
        var ended = 0;
        foreach (var session in _open.Keys)
        {
            if (session.SendsFor(account))
            {
                session.RequestEnd();
                ended++;
            }
        }

        return ended;
    }

    internal void Add(SmtpSession session) => _open.TryAdd(session, 0);

    internal void Remove(SmtpSession session) => _open.TryRemove(session, out _);
}
