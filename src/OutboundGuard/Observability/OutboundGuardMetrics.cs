using OutboundGuard.Scoring.Policy;
using OutboundGuard.Relay;
using Prometheus;

namespace OutboundGuard.Observability;

/// <summary>
/// The relay's metrics in Prometheus form, in a registry of their own (served at /metrics): sessions,
/// messages by action and reply class, scoring latency (whole and per detector), downstream replies, and — read from PostgreSQL
/// when scraped — the queue by state, its oldest message per route and accounts by state.
/// </summary>
internal sealed class OutboundGuardMetrics : IRelayMetrics
{
    public OutboundGuardMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        SessionsActive = factory.CreateGauge("outboundguard_smtp_sessions_active", "SMTP sessions open now on this node.");
        Sessions = factory.CreateCounter("outboundguard_smtp_sessions_total", "SMTP sessions started on this node.");
        ConnectionsRefused = factory.CreateCounter("outboundguard_smtp_connections_refused_total", "Connections refused before a session started (limit: too many connections; proxy: PROXY protocol refused).", "reason");
        Messages = factory.CreateCounter("outboundguard_messages_total", "Messages decided on this node, by the action taken.", "action");
        RefusedAttempts = factory.CreateCounter("outboundguard_refused_attempts_total", "Attempts refused at MAIL FROM on this node because the account was suspended (550) or throttled (451), by that state; no message was read.", "state");
        Replies = factory.CreateCounter("outboundguard_message_replies_total", "Replies to the end of DATA on this node, by class (2xx accepted, 4xx deferred, 5xx refused).", "class");
        Scoring = factory.CreateHistogram("outboundguard_scoring_duration_seconds", "Time to score one message (all detectors and the policy).",
            new HistogramConfiguration { Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        ScoringStages = factory.CreateHistogram("outboundguard_scoring_stage_duration_seconds",
            "Time one message spent in one scoring stage: each detector by its name, links (body and link extraction), fingerprint (body fingerprint and campaign tracker), policy.",
            new HistogramConfiguration { LabelNames = ["detector"], Buckets = [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.1] });
        Downstream = factory.CreateCounter("outboundguard_downstream_replies_total", "Replies from the smarthost to this node's deliveries, by class (none: no reply, the connection failed).", "class");
        Queue = factory.CreateGauge("outboundguard_queue_messages", "Messages in the shared queue by state (all nodes).", "state");
        QueueOldest = factory.CreateGauge("outboundguard_queue_oldest_age_seconds", "Age of the oldest message waiting for delivery, per route (all nodes); 0 when none waits.", "route");
        RouteFailures = factory.CreateGauge("outboundguard_route_consecutive_failures", "Failures of a delivery route since its last success (all nodes).", "route");
        Accounts = factory.CreateGauge("outboundguard_accounts", "Accounts by state (all nodes).", "state");
        StateListener = factory.CreateGauge("outboundguard_account_state_listener_up", "1 while this node receives account state changes (LISTEN/NOTIFY), else 0 (MAIL FROM then reads the database).");
        NotificationHubUp = factory.CreateGauge("outboundguard_notification_hub_up", "1 while this node's notification hub listens (account states, scoring lists, delivery wake-up), else 0.");
        NotificationHubReconnects = factory.CreateCounter("outboundguard_notification_hub_reconnects_total", "Times this node's notification hub connected again after losing its connection; each is followed by every subscriber's resync.");
        SharedSyncs = factory.CreateGauge("outboundguard_shared_counter_sync_total", "Messages whose counts were shared synchronously because their account was near its limits and another node runs (this node).");
        ClusterPeers = factory.CreateGauge("outboundguard_cluster_peers", "Other relay nodes that announced themselves recently.");
        _refusedSuspended = RefusedAttempts.WithLabels("suspended");
        _refusedThrottled = RefusedAttempts.WithLabels("throttled");
        DatabaseUp = factory.CreateGauge("outboundguard_database_up", "1 when the last scrape could read PostgreSQL, else 0.");
    }

    private readonly Counter.Child _refusedSuspended;
    private readonly Counter.Child _refusedThrottled;

    public CollectorRegistry Registry { get; }

    public Gauge SessionsActive { get; }

    public Counter Sessions { get; }

    public Counter ConnectionsRefused { get; }

    public Counter Messages { get; }

    public Counter Replies { get; }

    /// <summary>Attempts refused at MAIL FROM, labelled state (suspended, throttled); fed by <c>Relay/RefusedAttempts</c>.</summary>
    public Counter RefusedAttempts { get; }

    public Histogram Scoring { get; }

    /// <summary>Per-stage scoring time, labelled detector (fed by <see cref="ScoringMeterBridge"/>).</summary>
    public Histogram ScoringStages { get; }

    public Counter Downstream { get; }

    public Gauge Queue { get; }

    public Gauge QueueOldest { get; }

    public Gauge RouteFailures { get; }

    public Gauge Accounts { get; }

    public Gauge StateListener { get; }

    public Gauge NotificationHubUp { get; }

    public Counter NotificationHubReconnects { get; }

    public Gauge SharedSyncs { get; }

    public Gauge ClusterPeers { get; }

    public Gauge DatabaseUp { get; }

    /// <summary>Counts a decided message by its action and the class of the reply it got.</summary>
    public void MessageDecided(VerdictAction action, int replyCode)
    {
        Messages.WithLabels(action.ToString()).Inc();
        Replies.WithLabels(ReplyClass(replyCode)).Inc();
    }

    public void ScoringTook(TimeSpan elapsed) => Scoring.Observe(elapsed.TotalSeconds);

    public void AttemptRefused(AccountState state) => (state == AccountState.Suspended ? _refusedSuspended : _refusedThrottled).Inc();

    public void DownstreamReply(int code) => Downstream.WithLabels(code <= 0 ? "none" : ReplyClass(code)).Inc();

    private static string ReplyClass(int code) => code switch
    {
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "other",
    };
}
