namespace OutboundGuard.Storage.Queue;

/// <summary>Health of one delivery route, shared by all relay nodes.</summary>
/// <param name="Route">'default', 'high-risk' or 'sink'.</param>
/// <param name="LastSuccessAt">When the route last accepted a message (UTC), or null.</param>
/// <param name="LastFailureAt">When the route last failed as a whole (connection, 4xx for the transaction), or null.</param>
/// <param name="LastFailure">What that failure was.</param>
/// <param name="ConsecutiveFailures">Failures since the last success; 0 for a healthy route.</param>
public sealed record RouteHealth(string Route, DateTime? LastSuccessAt, DateTime? LastFailureAt, string? LastFailure, int ConsecutiveFailures);
