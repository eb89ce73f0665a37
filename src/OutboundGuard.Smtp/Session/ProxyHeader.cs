using System.Net;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// What a PROXY protocol header said: the original client (source) and the address it connected to on the
/// load balancer (destination); both null for a LOCAL (v2) or UNKNOWN (v1) header, e.g. a health check,
/// after which the connection's own addresses apply.
/// </summary>
internal sealed record ProxyHeader(IPEndPoint? Source, IPEndPoint? Destination, int Version);
