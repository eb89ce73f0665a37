using OutboundGuard.Smtp.Protocol;

namespace OutboundGuard.Smtp.Session;

/// <summary>What a session knows of itself that guards check.</summary>
internal readonly record struct SessionFacts(bool IsSecure, bool TlsAvailable, bool TlsRequired, bool AuthAdvertised, bool Authenticated, bool HasIdentity);

/// <summary>One cell of the state table: whether the verb is allowed, the guard, and the state after a positive reply.</summary>
internal readonly record struct SmtpTransition(bool Allowed, SmtpState Next, string Expected, Func<SessionFacts, SmtpReply?>? Guard);

/// <summary>
/// Every transition of the session in one place: state × verb → guard, next state. A verb that is not
/// allowed gets 503 5.5.1 naming the commands expected instead (RFC 5321 §4.1.4).
/// </summary>
internal static class SmtpStateTable
{
    private static readonly SmtpVerb[] Anytime = [SmtpVerb.Noop, SmtpVerb.Quit, SmtpVerb.Help, SmtpVerb.Vrfy];

    private static readonly Dictionary<(SmtpState, SmtpVerb), SmtpTransition> Table = Build();

    private static readonly Dictionary<SmtpState, string> ExpectedByState = new()
    {
        [SmtpState.Connected] = "EHLO or HELO",
        [SmtpState.Greeted] = "MAIL",
        [SmtpState.InTransaction] = "RCPT",
        [SmtpState.HasRecipients] = "RCPT, DATA or BDAT",
        [SmtpState.ReceivingBdat] = "BDAT or RSET",
    };

    /// <summary>Looks up the transition; unknown cells are refusals naming the expected commands.</summary>
    public static SmtpTransition Lookup(SmtpState state, SmtpVerb verb)
        => Table.TryGetValue((state, verb), out var transition) ? transition : new SmtpTransition(false, state, ExpectedByState[state], null);

    /// <summary>The 503 reply for a refused transition.</summary>
    public static SmtpReply Refusal(SmtpState state, SmtpVerb verb)
    {
        if (state == SmtpState.ReceivingBdat && verb == SmtpVerb.Data)
        {
            return SmtpReplies.DataMixedWithBdat;
        }

        if (verb == SmtpVerb.Auth && state is SmtpState.InTransaction or SmtpState.HasRecipients or SmtpState.ReceivingBdat)
        {
            // RFC 4954 §4: AUTH is not permitted during a mail transaction.
            return SmtpReplies.BadSequence.WithText("AUTH not permitted during a mail transaction");
        }

        return SmtpReplies.BadSequence.WithText($"Bad sequence of commands; expected {ExpectedByState[state]}");
    }

    private static Dictionary<(SmtpState, SmtpVerb), SmtpTransition> Build()
    {
        var table = new Dictionary<(SmtpState, SmtpVerb), SmtpTransition>();
        void Allow(SmtpState from, SmtpVerb verb, SmtpState to, Func<SessionFacts, SmtpReply?>? guard = null)
            => table[(from, verb)] = new SmtpTransition(true, to, string.Empty, guard);

        foreach (var state in Enum.GetValues<SmtpState>())
        {
            foreach (var verb in Anytime)
            {
                Allow(state, verb, state);
            }

            // EHLO/HELO and RSET end any transaction (RFC 5321 §4.1.4); RSET before EHLO keeps the state.
            Allow(state, SmtpVerb.Ehlo, SmtpState.Greeted);
            Allow(state, SmtpVerb.Helo, SmtpState.Greeted);
            Allow(state, SmtpVerb.Rset, state == SmtpState.Connected ? SmtpState.Connected : SmtpState.Greeted);
        }

        Allow(SmtpState.Greeted, SmtpVerb.StartTls, SmtpState.Connected, StartTlsGuard);
        Allow(SmtpState.Greeted, SmtpVerb.Auth, SmtpState.Greeted, AuthGuard);
        Allow(SmtpState.Greeted, SmtpVerb.Mail, SmtpState.InTransaction, MailGuard);
        Allow(SmtpState.InTransaction, SmtpVerb.Rcpt, SmtpState.HasRecipients);
        Allow(SmtpState.HasRecipients, SmtpVerb.Rcpt, SmtpState.HasRecipients);
        Allow(SmtpState.HasRecipients, SmtpVerb.Data, SmtpState.Greeted);
        Allow(SmtpState.HasRecipients, SmtpVerb.Bdat, SmtpState.ReceivingBdat);
        Allow(SmtpState.ReceivingBdat, SmtpVerb.Bdat, SmtpState.ReceivingBdat);
        return table;
    }

    /// <summary>STARTTLS only with a certificate and only once (RFC 3207 §4).</summary>
    private static SmtpReply? StartTlsGuard(SessionFacts facts)
        => !facts.TlsAvailable ? SmtpReplies.TlsNotAvailable
            : facts.IsSecure ? SmtpReplies.BadSequence.WithText("TLS already active")
            : null;

    /// <summary>AUTH only when advertised and only once per session (RFC 4954 §4).</summary>
    private static SmtpReply? AuthGuard(SessionFacts facts)
        => facts.TlsRequired && !facts.IsSecure ? SmtpReplies.MustIssueStartTls
            : !facts.AuthAdvertised ? SmtpReplies.AuthNotAvailable
            : facts.Authenticated ? SmtpReplies.AlreadyAuthenticated
            : null;

    /// <summary>No open relay: MAIL needs an identity (AUTH, connector IP or client certificate).</summary>
    private static SmtpReply? MailGuard(SessionFacts facts)
        => facts.TlsRequired && !facts.IsSecure ? SmtpReplies.MustIssueStartTls
            : facts.HasIdentity ? null
            : facts.AuthAdvertised || (facts.TlsAvailable && !facts.IsSecure) ? SmtpReplies.AuthRequired
            : SmtpReplies.RelayDenied;
}
