using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OutboundGuard.Storage.Postgres;

/// <summary>
/// Free loopback TCP ports for private servers (the private PostgreSQL, and servers that tests start), chosen below the
/// kernel's ephemeral range. A port the kernel hands out for "any port" is one it also hands to outgoing connections, so a
/// server that stops and starts again on such a port (a restart after kill -9) can find it taken by a client's socket that
/// happened to be given it in between; a port below the range is never given to a client.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 10_000;

    /// <summary>The first port of the kernel's ephemeral range, read once per process rather than for every port.</summary>
    private static readonly int Ceiling = EphemeralRangeStart();

    private static int _next = Lowest + Random.Shared.Next(20_000);

    /// <summary>A port nothing listens on now, distinct from every port this process chose before.</summary>
    public static int Next()
    {
        var span = Ceiling - Lowest;
        for (var tried = 0; tried < span; tried++)
        {
            var port = Lowest + (Interlocked.Increment(ref _next) - Lowest) % span;
            if (IsFree(port))
            {
                return port;
            }
        }

        return KernelChosen();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int KernelChosen()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            var start = int.Parse(fields[0], CultureInfo.InvariantCulture);
            return start > Lowest + 1_000 ? start : 32_768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
