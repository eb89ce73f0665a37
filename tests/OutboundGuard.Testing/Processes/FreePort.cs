using OutboundGuard.Storage.Postgres;

namespace OutboundGuard.Testing.Processes;

/// <summary>Free loopback TCP ports for servers started by tests, below the kernel's ephemeral range (see <see cref="LoopbackPorts"/>).</summary>
public static class FreePort
{
    public static int Next() => LoopbackPorts.Next();
}
