namespace OutboundGuard.Replay.Bursts;

/// <summary>A burst that cannot be read: the message names the file, the line and what is wrong.</summary>
public sealed class BurstFormatException(string message, Exception? inner = null) : Exception(message, inner);
