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
/// or suspend once the account has taken its first step. Rates and weights: <see cref="ComplaintDetectorOptions"/>.
/// </summary>
public sealed class ComplaintDetector(ComplaintLedger ledger, ComplaintDetectorOptions? options = null) : IDetector
{
    private readonly ComplaintDetectorOptions _o = options ?? new();

    public string Name => "complaints";

    public void Inspect(MessageUnderReview message, AccountHistory history, ICollection<Evidence> findings)
    {
        string days = N(ledger.Window.TotalDays);
        if (ledger.ForAccount(message.Account.Id) is { Complaints: > 0 } account)
        {
            double rate = account.Rate;
            string counts = $"{I(account.Complaints)} complaint(s) from feedback loops in {days} days over {I(Math.Max(account.Messages, account.Complaints))} messages ({Percent(rate)} %";
            string ceiling = $"ceiling {Percent(_o.Ceiling)} %";
            if (account.Complaints >= _o.MinimumToThrottle && rate >= _o.Ceiling)
            {
                // By default 40 at the ceiling, 50 from 1 %: alone a throttle (also under hysteresis, where quarantine needs 56).
                double w = _o.CeilingWeight + ((_o.HighRateWeight - _o.CeilingWeight) * Math.Min(1, (rate - _o.Ceiling) / (_o.HighRate - _o.Ceiling)));
                findings.Add(new Evidence(Name, Round(w), $"{counts}, {ceiling})") { Forces = VerdictAction.Throttle });
            }
            else if (rate >= _o.Recommended)
            {
                findings.Add(new Evidence(Name, _o.RecommendedWeight, counts + (rate >= _o.Ceiling ? $", {ceiling}; one complaint does not throttle)" : $", above the {Percent(_o.Recommended)} % providers ask for)")));
            }
        }

        if (ledger.ForTenant(message.Account.Tenant) is { } tenant && tenant.Complaints >= _o.MinimumForTenant && tenant.Rate >= _o.Ceiling)
        {
            findings.Add(new Evidence(Name, _o.TenantWeight,
                $"tenant {message.Account.Tenant}: {I(tenant.Complaints)} complaints from feedback loops in {days} days over {I(Math.Max(tenant.Messages, tenant.Complaints))} messages ({Percent(tenant.Rate)} %, ceiling {Percent(_o.Ceiling)} %)"));
        }
    }

    private static string Percent(double rate) => (rate * 100).ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture);
}
