using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes;

/// <summary>What one attempt over a route did: every reply, and the outcome for each pending recipient.</summary>
internal sealed class RouteResult
{
    /// <summary>Every downstream reply in order, for delivery_attempts and feedback.</summary>
    public List<DeliveryAttempt> Replies { get; } = [];

    /// <summary>The outcome of each pending recipient (accepted, deferred or rejected) with the reply that decided it.</summary>
    public Dictionary<string, DeliveryAttempt> Recipients { get; } = new(StringComparer.Ordinal);

    /// <summary>Set when the route failed as a whole (no connection, broken connection, 4xx to the transaction).</summary>
    public string? RouteFailure { get; set; }

    /// <summary>Every pending recipient gets the same outcome from one reply about the whole transaction.</summary>
    public static RouteResult ForAll(IEnumerable<string> recipients, string outcome, int? code, string text)
    {
        var result = new RouteResult();
        result.Replies.Add(new DeliveryAttempt(null, outcome, code, text));
        foreach (var recipient in recipients)
        {
            result.Recipients[recipient] = new DeliveryAttempt(recipient, outcome, code, text);
        }

        if (outcome == DeliveryAttempt.Deferred)
        {
            result.RouteFailure = code is { } c ? $"{c} {text}" : text;
        }

        return result;
    }

    /// <summary>Each recipient gets its own reply row with the same outcome.</summary>
    public static RouteResult PerRecipient(IEnumerable<string> recipients, string outcome, int? code, string text)
    {
        var result = new RouteResult();
        foreach (var recipient in recipients)
        {
            var attempt = new DeliveryAttempt(recipient, outcome, code, text);
            result.Replies.Add(attempt);
            result.Recipients[recipient] = attempt;
        }

        return result;
    }

    /// <summary>Adds the replies and outcomes of <paramref name="other"/> (recipients the transaction did not include).</summary>
    public static RouteResult Merge(RouteResult result, RouteResult? other)
    {
        if (other is null)
        {
            return result;
        }

        result.Replies.AddRange(other.Replies);
        foreach (var (recipient, attempt) in other.Recipients)
        {
            result.Recipients[recipient] = attempt;
        }

        return result;
    }
}
