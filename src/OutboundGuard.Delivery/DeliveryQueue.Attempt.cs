using Microsoft.Extensions.Logging;
using OutboundGuard.Delivery.Bounces;
using OutboundGuard.Delivery.Content;
using OutboundGuard.Delivery.Routes;
using OutboundGuard.Storage;
using OutboundGuard.Storage.Queue;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Delivery;

public sealed partial class DeliveryQueue
{
    /// <summary>One attempt for one claimed message: deliver over its route, then record what happened.</summary>
    private async Task AttemptAsync(QueuedMessage message, CancellationToken cancellationToken)
    {
        var route = _router.For(message.Route);
        RouteResult result;
        SpoolReadStream? file = null;
        try
        {
            file = FileSpool.OpenRead(message.SpoolPath);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            Log.SpoolFileMissing(_logger, message.Id, message.SpoolPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.SpoolFileUnreadable(_logger, message.Id, message.SpoolPath, exception);
            result = RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Deferred, null, "spool file unreadable: " + exception.Message);
            result.RouteFailure = null;
            await RecordAsync(message, route, result).ConfigureAwait(false);
            return;
        }

        if (file is null)
        {
            result = RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Rejected, null, "the message content was lost in the relay's spool");
        }
        else if (file.Length > _options.MaxMessageSize)
        {
            await file.DisposeAsync().ConfigureAwait(false);
            result = RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Rejected, null, $"message of {message.SizeOctets} octets exceeds the relay's limit of {_options.MaxMessageSize} octets");
        }
        else
        {
            SpooledContent? content = null;
            try
            {
                content = await SpooledContent.OpenAsync(file, cancellationToken).ConfigureAwait(false);
                result = await route.DeliverAsync(message, content, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // Cut off by shutdown, or a local failure (sink disk full): nothing downstream refused the message.
                result = RouteResult.ForAll(message.PendingRecipients, DeliveryAttempt.Deferred, null,
                    exception is OperationCanceledException ? "delivery cut off by shutdown" : $"{exception.GetType().Name}: {exception.Message}");
                result.RouteFailure = null;
            }
            finally
            {
                if (content is null)
                {
                    await file.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    await content.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (content is { Repairs: > 0 })
            {
                Log.LineEndingsRepaired(_logger, message.Id, content.Repairs);
            }
        }

        await RecordAsync(message, route, result).ConfigureAwait(false);
    }

    /// <summary>
    /// The transfer is over, so its slot goes to the next claim first. Then writes the outcome: per recipient
    /// accepted / deferred / rejected, the DSN for recipients that failed for good, the new state; then route health,
    /// feedback and spool file removal. Runs to the end even during shutdown (no token), so an attempt that happened is
    /// recorded.
    /// </summary>
    private async Task RecordAsync(QueuedMessage message, IDeliveryRoute route, RouteResult result)
    {
        EndTransfer(message.Id);
        var accepted = new List<string>();
        var rejected = new List<FailedRecipient>();
        var deferred = new List<(string Recipient, DeliveryAttempt? Reply)>();
        foreach (var recipient in message.PendingRecipients)
        {
            if (!result.Recipients.TryGetValue(recipient, out var reply))
            {
                deferred.Add((recipient, null));
            }
            else if (reply.Outcome == DeliveryAttempt.Accepted)
            {
                accepted.Add(recipient);
            }
            else if (reply.Outcome == DeliveryAttempt.Rejected)
            {
                rejected.Add(new FailedRecipient(recipient, reply.Code, reply.Text, Expired: false));
            }
            else
            {
                deferred.Add((recipient, reply));
            }
        }

        var newlyFailed = new List<FailedRecipient>(rejected);
        var stillPending = deferred.Select(d => d.Recipient).ToList();
        if (message.LifetimeExpired && deferred.Count > 0)
        {
            // RFC 5321 §4.5.4.1: give up after the queue lifetime and tell the sender.
            newlyFailed.AddRange(deferred.Select(d => new FailedRecipient(d.Recipient, d.Reply?.Code, d.Reply?.Text ?? "no reply", Expired: true)));
            stillPending.Clear();
        }

        NewQueuedMessage? bounce = null;
        if (newlyFailed.Count > 0)
        {
            if (string.IsNullOrEmpty(message.EnvelopeFrom))
            {
                Log.BounceSuppressed(_logger, message.Id, newlyFailed.Count);
            }
            else
            {
                var notify = newlyFailed.Where(f => WantsFailureNotice(message.NotifyFor(f.Address))).ToList();
                if (notify.Count > 0)
                {
                    try
                    {
                        bounce = await _dsn.WriteAsync(message, notify, _router.RemoteMta(route), CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception exception)
                    {
                        // Without the DSN on disk the failure cannot be reported: keep those recipients pending and try again.
                        Log.BounceWriteFailed(_logger, message.Id, exception);
                        stillPending.AddRange(newlyFailed.Select(f => f.Address));
                        newlyFailed.Clear();
                    }
                }
            }
        }

        var failedAll = message.FailedRecipients.Length + newlyFailed.Count;
        var state = stillPending.Count > 0 ? MessageState.Deferred
            : failedAll == 0 ? MessageState.Delivered
            : string.IsNullOrEmpty(message.EnvelopeFrom) ? MessageState.Failed
            : MessageState.Bounced;
        var last = result.Replies.Count > 0 ? result.Replies[^1] : null;
        var completion = new AttemptCompletion
        {
            MessageId = message.Id,
            LeaseOwner = LeaseOwner,
            AccountId = message.AccountId,
            Route = route.Name,
            State = state,
            PendingRecipients = [.. stillPending],
            NewlyFailedRecipients = [.. newlyFailed.Select(f => f.Address)],
            RetryAfter = RetrySchedule.Next(_options, message.Attempts, Random.Shared),
            LastReply = last is null ? null : last.Code is { } code ? $"{code} {last.Text}" : last.Text,
            Attempts = result.Replies,
            Bounce = bounce,
            RemovesSpoolFile = state != MessageState.Deferred && _options.SpoolRetention == TimeSpan.Zero,
        };

        if (!await CompleteWithRetryAsync(completion).ConfigureAwait(false))
        {
            Log.LeaseLost(_logger, message.Id);
            if (bounce is not null)
            {
                TryDeleteSpoolFile(bounce.SpoolPath);
            }

            return;
        }

        Log.MessageAttempted(_logger, message.Id, message.Attempts, route.Name, MessageStates.ToText(state), accepted.Count, stillPending.Count, rejected.Count, completion.LastReply);
        if (bounce is not null)
        {
            Log.BounceQueued(_logger, bounce.Id, message.EnvelopeFrom, message.Id, newlyFailed.Count);
            Notify();
        }

        await RecordRouteHealthAsync(route, result, accepted.Count > 0).ConfigureAwait(false);
        foreach (var reply in result.Replies)
        {
            try
            {
                _feedback.OnReply(message.AccountId, message.Id, reply.Code ?? 0, reply.Text, reply.Outcome, reply.Recipient);
            }
            catch (Exception exception)
            {
                Log.FeedbackFailed(_logger, message.Id, exception);
            }
        }

        if (completion.RemovesSpoolFile)
        {
            // The row was marked removed in the commit; a file left behind (crash, I/O error) goes with the orphan sweep.
            TryDeleteSpoolFile(message.SpoolPath);
        }
    }

    /// <summary>
    /// Records the attempt, retrying through a database blip for up to half the lease: an attempt the
    /// smarthost accepted but that is never recorded is delivered again once the lease expires.
    /// </summary>
    private async Task<bool> CompleteWithRetryAsync(AttemptCompletion completion)
    {
        var started = _time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await _repository.CompleteGroupedAsync(completion).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException && _time.GetElapsedTime(started) + delay < _options.LeaseDuration / 2)
            {
                Log.RecordingRetried(_logger, completion.MessageId, exception);
                await Task.Delay(delay, _time).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task RecordRouteHealthAsync(IDeliveryRoute route, RouteResult result, bool anyAccepted)
    {
        try
        {
            if (result.RouteFailure is { } failure)
            {
                _routeSuccessWritten.TryRemove(route.Name, out _);
                Log.RouteFailed(_logger, route.Name, failure);
                await _repository.RecordRouteFailureAsync(route.Name, failure, CancellationToken.None).ConfigureAwait(false);
            }
            else if (anyAccepted && RouteSuccessDue(route.Name))
            {
                await _repository.RecordRouteSuccessAsync(route.Name, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            Log.QueueLoopFailed(_logger, exception);
        }
    }

    /// <summary>
    /// A healthy route's success is written at most once per second per node: the row says "last success
    /// at", and one write per delivered message would cost a database round trip each. After a failure the
    /// next success is always written, so consecutive_failures resets at once.
    /// </summary>
    private bool RouteSuccessDue(string route)
    {
        var now = _time.GetTimestamp();
        if (_routeSuccessWritten.TryGetValue(route, out var last) && _time.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1))
        {
            return false;
        }

        _routeSuccessWritten[route] = now;
        return true;
    }

    /// <summary>RFC 3461 §4.1: without NOTIFY a failure is reported; with it, only when FAILURE is listed.</summary>
    private static bool WantsFailureNotice(string? notify) =>
        string.IsNullOrWhiteSpace(notify) || notify.Contains("FAILURE", StringComparison.OrdinalIgnoreCase);
}
