namespace OutboundGuard.Replay.Simulation;

/// <summary>How far a <see cref="TrafficSimulation"/> run is.</summary>
/// <param name="Scored">Attempts scored so far (first attempts, retries of deferred mail and attacks).</param>
/// <param name="Planned">Messages planned for the simulated period (first attempts only; retries come on top).</param>
/// <param name="SimulatedTime">The simulated clock.</param>
/// <param name="Elapsed">Wall time since the run started.</param>
public readonly record struct SimulationProgress(long Scored, long Planned, DateTimeOffset SimulatedTime, TimeSpan Elapsed);
