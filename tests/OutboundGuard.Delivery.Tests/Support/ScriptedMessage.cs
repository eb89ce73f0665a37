namespace OutboundGuard.Delivery.Tests.Support;

/// <summary>One transaction the scripted server accepted.</summary>
public sealed record ScriptedMessage(string MailFrom, IReadOnlyList<string> Recipients, byte[] Data);
