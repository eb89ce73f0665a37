using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// Per-socket inline completions. By default .NET hands every socket event from its event thread to a pool thread,
/// which then runs the continuation: two thread wake-ups per read. With inline completions the event thread runs the
/// continuation itself, as the process-wide DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 does, but for the SMTP
/// sockets only: database and delivery sockets keep the default. The switch is the runtime's internal per-socket
/// property; should a runtime lack it, sockets simply keep the default.
/// </summary>
internal static class SocketCompletions
{
    private static volatile bool s_unavailable;

    /// <summary>Turns inline completions on or off for the connection's socket. False when that is not possible.</summary>
    public static bool TrySetInline(ConnectionContext connection, bool inline)
        => connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket && TrySetInline(socket, inline);

    /// <summary>Turns inline completions on or off for <paramref name="socket"/>. False when that is not possible.</summary>
    public static bool TrySetInline(Socket socket, bool inline)
    {
        if (s_unavailable)
        {
            return false;
        }

        try
        {
            SetPreferInlineCompletions(socket, inline);
            return true;
        }
        catch (Exception ex) when (ex is MissingMethodException or MissingMemberException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PreferInlineCompletions")]
    private static extern void SetPreferInlineCompletions(Socket socket, bool value);
}
