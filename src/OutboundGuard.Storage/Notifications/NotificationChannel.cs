using System.Diagnostics.CodeAnalysis;

namespace OutboundGuard.Storage.Notifications;

/// <summary>Reads a notification's payload into its typed value; false for a payload this channel does not carry.</summary>
public delegate bool NotificationPayloadParser<T>(string payload, [MaybeNullWhen(false)] out T value);

/// <summary>
/// A PostgreSQL notification channel and how its payload reads, for <see cref="NotificationHub.Subscribe{T}"/>.
/// The name is a lower-case SQL identifier (it is written into LISTEN as is).
/// </summary>
public sealed class NotificationChannel<T>
{
    public NotificationChannel(string name, NotificationPayloadParser<T> parse)
    {
        if (!NotificationChannels.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a channel name: lower-case letters, digits and '_', starting with a letter, at most 63 characters.", nameof(name));
        }

        Name = name;
        Parse = parse;
    }

    /// <summary>The channel, as LISTEN and pg_notify name it.</summary>
    public string Name { get; }

    /// <summary>Reads a payload; a payload it refuses is logged and dropped.</summary>
    public NotificationPayloadParser<T> Parse { get; }

    public override string ToString() => Name;
}
