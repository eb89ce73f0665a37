namespace OutboundGuard.Delivery.Routes;

/// <summary>A message delivered into the sink folder (its envelope from the JSON sidecar).</summary>
/// <param name="MessageId">The spooled message's id.</param>
/// <param name="EnvelopeFrom">Reverse-path; empty for the null sender.</param>
/// <param name="Recipients">The recipients delivered by this copy.</param>
/// <param name="AccountId">Sending account, or null.</param>
/// <param name="ReceivedAt">When the relay accepted the message (UTC).</param>
/// <param name="DeliveredAt">When it was written into the sink (UTC).</param>
/// <param name="Path">Absolute path of the .eml file (raw RFC 5322, CRLF).</param>
/// <param name="SizeOctets">Size of the .eml file.</param>
public sealed record SinkMessage(Guid MessageId, string EnvelopeFrom, IReadOnlyList<string> Recipients, long? AccountId, DateTime ReceivedAt, DateTime DeliveredAt, string Path, long SizeOctets);
