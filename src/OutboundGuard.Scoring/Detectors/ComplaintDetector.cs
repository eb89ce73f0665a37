using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Messages;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Scoring.Tracking;
using static OutboundGuard.Scoring.Detectors.DetectorMath;

namespace OutboundGuard.Scoring.Detectors;

/// <summary>
/// What recipients said about the account's mail through the mailbox providers' feedback loops (ARF reports whose
/// DKIM signature verified). The large providers treat a complaint rate of 0.3 % as a hard ceiling and ask senders to
/// stay under 0.1 %. Complaints are about the account's own messages, so the decision ladder counts them with its
/// url and content findings: alone they throttle; a high rate with other findings about its mail may quarantine
/// or suspend once the account has taken its first step.
/// </summary>
public sealed class ComplaintDetector(ComplaintLedger ledger) : IDetector
{
    /// <summary>The providers' hard ceiling (0.3 %).</summary>
    public const double Ceiling = 0.003;

    /// <summary>What providers ask senders to stay under (0.1 %).</summary>
    public const double Recommended = 0.001;

    /// <summary>Complaints needed before the rate may throttle: one complaint may be a recipient's slip.</summary>
    public const int MinimumToThrottle = 2;

    /// <summary>A tenant's complaints needed before its rate tightens its accounts' scoring.</summary>
    public const int MinimumForTenant = 5;

    public string Name => "complaints";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        string days = N(ledger.Window.TotalDays);
        if (ledger.ForAccount(message.Account.Id) is { Complaints: > 0 } account)
        {
            double rate = account.Rate;
            string counts = $"{I(account.Complaints)} complaint(s) from feedback loops in {days} days over {I(Math.Max(account.Messages, account.Complaints))} messages ({Percent(rate)} %";
            if (account.Complaints >= MinimumToThrottle && rate >= Ceiling)
            {
                // 40 at the ceiling, 50 from 1 %: alone a throttle (also under hysteresis, where quarantine needs 56).
                double w = 40 + (10 * Math.Min(1, (rate - Ceiling) / (0.01 - Ceiling)));
                findings.Add(new Evidence(Name, Round(w), counts + ", ceiling 0.3 %)") { Forces = VerdictAction.Throttle });
            }
            else if (rate >= Recommended)
            {
                findings.Add(new Evidence(Name, 15, counts + (rate >= Ceiling ? ", ceiling 0.3 %; one complaint does not throttle)" : ", above the 0.1 % providers ask for)")));
            }
        }

        if (ledger.ForTenant(message.Account.Tenant) is { } tenant && tenant.Complaints >= MinimumForTenant && tenant.Rate >= Ceiling)
        {
            findings.Add(new Evidence(Name, 10,
                $"tenant {message.Account.Tenant}: {I(tenant.Complaints)} complaints from feedback loops in {days} days over {I(Math.Max(tenant.Messages, tenant.Complaints))} messages ({Percent(tenant.Rate)} %, ceiling 0.3 %)"));
        }
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture);
}
