namespace OutboundGuard.Smtp.Hosting;

/// <summary>Protocol limits and timeouts, each with its default and where the default comes from.</summary>
public sealed class SmtpLimits
{
    /// <summary>Longest command line in octets, CRLF included. Defaults to 512, RFC 5321 §4.5.3.1.4. A longer line gets 500 5.5.2 and is discarded.</summary>
    public int MaxCommandLineLength { get; set; } = 512;

    /// <summary>Longest text line of message content in octets, CRLF included. Defaults to 1000, RFC 5321 §4.5.3.1.6. A longer line makes the message refused with 500 5.5.2 after the end of data.</summary>
    public int MaxTextLineLength { get; set; } = 1000;

    /// <summary>Recipients per message. Defaults to 100, the minimum RFC 5321 §4.5.3.1.8 requires servers to accept. More get 452 4.5.3.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Largest message in octets, advertised as SIZE (RFC 1870). Defaults to 35 MB (36,700,160 octets), the Exchange Online limit.</summary>
    public long MaxMessageSize { get; set; } = 35L * 1024 * 1024;

    /// <summary>Client errors (4xx/5xx replies to commands) before the session is closed with 421 4.7.0. Defaults to 10, as Postfix's smtpd_hard_error_limit limits abuse.</summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>
    /// Concurrent connections per client IP. Defaults to 500; more get 421 4.7.0 at connect. One address often carries
    /// many customers (a webmail front end, an office NAT, a mail platform's outbound pool), each customer MTA with up to
    /// 20 sessions (Postfix's default destination concurrency), so the default leaves room for hundreds of accounts.
    /// </summary>
    public int MaxConnectionsPerIp { get; set; } = 500;

    /// <summary>
    /// Concurrent sessions authenticated as one account, on this node. Defaults to 50 and may not be set below 20, the
    /// sessions a customer's Postfix opens to one destination (default_destination_concurrency_limit); more get
    /// 454 4.7.0 to AUTH (and the session stays unauthenticated), so a hijacked account cannot take every connection.
    /// </summary>
    public int MaxSessionsPerAccount { get; set; } = 50;

    /// <summary>
    /// Sessions from one client address whose MAIL FROM the relay refused (a suspended or throttled account, a sender it
    /// may not use) within a minute before that address gets a budget of new sessions
    /// (<see cref="RefusedAddressSessionsPerMinute"/>), unless mail from it was accepted within
    /// <see cref="AcceptedMailShieldsAddressFor"/>. Defaults to 20: a customer's MTA whose 20 sessions (Postfix's default
    /// destination concurrency) all meet a throttled account once is not budgeted for it.
    /// </summary>
    public int RefusedSessionsBeforeAddressBudget { get; set; } = 20;

    /// <summary>
    /// New sessions a minute that a budgeted address (see <see cref="RefusedSessionsBeforeAddressBudget"/>) may open; the
    /// others get 421 4.7.0 at connect, before the greeting and any TLS handshake, so a suspended account reconnecting at
    /// full speed from its own address costs a refused connect instead of a handshake. Defaults to 30 (one every 2 s),
    /// enough for an MTA to find that its account was reinstated within seconds. Zero turns the budget off.
    /// </summary>
    public int RefusedAddressSessionsPerMinute { get; set; } = 30;

    /// <summary>
    /// Wait before the 421 to a budgeted address's session over its budget (see <see cref="RefusedAddressSessionsPerMinute"/>),
    /// holding the connection's slot (<see cref="MaxConnectionsPerIp"/>): a client reconnecting in a loop then makes one
    /// connection a second per connection it holds instead of as many as its CPU allows, each costing the relay a timer.
    /// Defaults to 1 s.
    /// </summary>
    public TimeSpan RefusedAddressReplyDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a MAIL FROM accepted from a client address keeps it from ever being budgeted: an address shared with an
    /// honest account (an office NAT, a webmail front end, a mail platform's outbound pool) is never slowed by a suspended
    /// account beside it. Defaults to 1 hour, longer than the queue-run interval of the MTAs we relay for (Postfix retries
    /// deferred mail every 5 to 66 min, Exchange every 15 min).
    /// </summary>
    public TimeSpan AcceptedMailShieldsAddressFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Concurrent connections in total. Defaults to 2000; more get 421 4.7.0 at connect.</summary>
    public int MaxConnections { get; set; } = 2000;

    /// <summary>Wait for the first command after the greeting. Defaults to 5 minutes, RFC 5321 §4.5.3.2.1 (initial 220 message).</summary>
    public TimeSpan InitialTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait for the next command after MAIL. Defaults to 5 minutes, RFC 5321 §4.5.3.2.2.</summary>
    public TimeSpan MailTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait for the next command after RCPT. Defaults to 5 minutes, RFC 5321 §4.5.3.2.3.</summary>
    public TimeSpan RcptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait for the first content after 354. Defaults to 2 minutes, RFC 5321 §4.5.3.2.4.</summary>
    public TimeSpan DataInitiationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait for each further block of content (DATA or BDAT). Defaults to 3 minutes, RFC 5321 §4.5.3.2.5.</summary>
    public TimeSpan DataBlockTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Time allowed to store and decide on a message after its end (the client waits this long, RFC 5321 §4.5.3.2.6). Defaults to 10 minutes; exceeded gives 451 4.4.2.</summary>
    public TimeSpan DataTerminationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Time for a whole command line to arrive, from its first octet to its CRLF. Defaults to 5 minutes, in the
    /// spirit of RFC 5321 §4.5.3.2: the timeouts above apply to each read, so without this bound a client
    /// sending one octet at a time would keep a session forever. Exceeded gives 421 4.4.2.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Slowest message transfer accepted (DATA and BDAT), in octets per second averaged from the start of
    /// the transfer, enforced once <see cref="MinimumDataRateGrace"/> has passed. Defaults to 100 (a 35 MB
    /// message at 100 octets/s would take 4 days; real clients send megabytes per second). Slower gives
    /// 421 4.4.2. Zero turns the check off.
    /// </summary>
    public int MinimumDataRate { get; set; } = 100;

    /// <summary>Time at the start of a transfer before <see cref="MinimumDataRate"/> applies. Defaults to 30 seconds.</summary>
    public TimeSpan MinimumDataRateGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait for the next command between transactions. Defaults to 5 minutes, RFC 5321 §4.5.3.2.7. Exceeded gives 421 4.4.2.</summary>
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Pause before the 220 greeting; a client that sends anything during it is refused with 554 5.5.0
    /// (it talks before the greeting, like spam bots). Defaults to zero: only input already buffered when
    /// the greeting is due is detected. Postfix postscreen uses 6 seconds.
    /// </summary>
    public TimeSpan GreetingDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// AUTH failures of one user name from one client IP before that user's AUTH from that IP is refused with 454 4.7.0.
    /// Defaults to 5. Counted per user and address, so a user mistyping a password behind a shared front end locks out
    /// neither the front end's other users nor the same user elsewhere.
    /// </summary>
    public int MaxAuthFailures { get; set; } = 5;

    /// <summary>
    /// AUTH failures from one client IP, whatever the user names, before every AUTH from it is refused with 454 4.7.0
    /// (password spraying). Defaults to 100: a front end carrying hundreds of accounts sees a few typos an hour.
    /// </summary>
    public int MaxAuthFailuresPerIp { get; set; } = 100;

    /// <summary>How long an IP or user name stays locked out after <see cref="MaxAuthFailures"/>; also the window failures are counted in. Defaults to 15 minutes.</summary>
    public TimeSpan AuthLockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Delay before answering a failed AUTH, multiplied by the failures so far (capped at 5×). Defaults to 1 second.</summary>
    public TimeSpan AuthFailureDelay { get; set; } = TimeSpan.FromSeconds(1);
}
