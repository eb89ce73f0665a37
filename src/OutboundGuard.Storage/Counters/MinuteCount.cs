namespace OutboundGuard.Storage.Counters;

/// <summary>
/// One node's count of an account's messages and recipients within one minute (absolute, not a delta).
/// </summary>
/// <param name="AccountId">The sending account.</param>
/// <param name="Minute">Start of the minute (UTC).</param>
/// <param name="Node">Name of the relay node that counted them.</param>
/// <param name="Messages">Message attempts counted, whatever their verdict.</param>
/// <param name="Recipients">Their recipients.</param>
/// <param name="LastAt">When the node counted the latest of them (UTC).</param>
public sealed record MinuteCount(long AccountId, DateTime Minute, string Node, int Messages, int Recipients, DateTime LastAt);
