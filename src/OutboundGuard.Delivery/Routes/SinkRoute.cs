using OutboundGuard.Delivery.Content;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutboundGuard.Storage.Queue;

namespace OutboundGuard.Delivery.Routes;

/// <summary>
/// The built-in sink: with no smarthost configured, each message is "delivered" into
/// <c>&lt;SinkDirectory&gt;/yyyyMMdd/&lt;message id&gt;.eml</c> (content as relayed, CRLF) with a
/// <c>.json</c> sidecar holding the envelope, so a first message arrives somewhere visible. Both files
/// are written under a temporary name, fsynced and renamed, so a listing never shows half a message.
/// </summary>
public sealed class SinkRoute : IDeliveryRoute
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger<SinkRoute> _logger;

    public SinkRoute(IOptions<DeliveryOptions> options, TimeProvider time, ILogger<SinkRoute> logger)
    {
        _directory = Path.GetFullPath(options.Value.SinkDirectory);
        _time = time;
        _logger = logger;
    }

    /// <summary>Route name recorded in delivery_attempts and route health.</summary>
    public const string RouteName = "sink";

    string IDeliveryRoute.Name => RouteName;

    /// <summary>The sink folder (absolute).</summary>
    public string Directory => _directory;

    async Task<RouteResult> IDeliveryRoute.DeliverAsync(QueuedMessage message, SpooledContent content, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var day = System.IO.Directory.CreateDirectory(Path.Combine(_directory, now.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)));
        var eml = Path.Combine(day.FullName, message.Id.ToString("D") + ".eml");
        var sidecar = Path.ChangeExtension(eml, ".json");
        long size;
        await using (var file = new FileStream(eml + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            await content.Stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            size = file.Length;
        }

        var envelope = new SinkMessage(message.Id, message.EnvelopeFrom, message.PendingRecipients, message.AccountId,
            DateTime.SpecifyKind(message.ReceivedAt, DateTimeKind.Utc), now, eml, size);
        await using (var file = new FileStream(sidecar + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
        {
            await JsonSerializer.SerializeAsync(file, envelope, Json, cancellationToken).ConfigureAwait(false);
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(eml + ".tmp", eml, overwrite: true);
        File.Move(sidecar + ".tmp", sidecar, overwrite: true);
        Log.SinkDelivered(_logger, message.Id, eml);

        var result = new RouteResult();
        var text = $"2.0.0 stored in sink {eml}";
        foreach (var recipient in message.PendingRecipients)
        {
            var attempt = new DeliveryAttempt(recipient, DeliveryAttempt.Accepted, 250, text);
            result.Replies.Add(attempt);
            result.Recipients[recipient] = attempt;
        }

        return result;
    }

    /// <summary>
    /// The newest messages in the sink, newest first (for the admin UI).
    /// </summary>
    /// <param name="max">Most messages to return.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public async Task<IReadOnlyList<SinkMessage>> ListAsync(int max = 100, CancellationToken cancellationToken = default)
    {
        var list = new List<SinkMessage>();
        if (!System.IO.Directory.Exists(_directory))
        {
            return list;
        }

        foreach (var day in System.IO.Directory.GetDirectories(_directory).OrderDescending(StringComparer.Ordinal))
        {
            var sidecars = System.IO.Directory.GetFiles(day, "*.json")
                .Select(path => new FileInfo(path))
                .OrderByDescending(f => f.LastWriteTimeUtc);
            foreach (var sidecar in sidecars)
            {
                try
                {
                    await using var stream = sidecar.OpenRead();
                    if (await JsonSerializer.DeserializeAsync<SinkMessage>(stream, Json, cancellationToken).ConfigureAwait(false) is { } message)
                    {
                        list.Add(message);
                    }
                }
                catch (JsonException)
                {
                    // Not one of ours; skip it.
                }

                if (list.Count >= max)
                {
                    return list.OrderByDescending(m => m.DeliveredAt).ToList();
                }
            }
        }

        return list.OrderByDescending(m => m.DeliveredAt).ToList();
    }
}
