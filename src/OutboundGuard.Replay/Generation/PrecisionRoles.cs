namespace OutboundGuard.Replay.Generation;

/// <summary>
/// The <c>role</c> notes of the precision scenario's accounts in accounts.json, so a measuring test can tell
/// ordinary senders, bulk senders over the default per-minute limit, and each attack apart.
/// </summary>
public static class PrecisionRoles
{
    public const string Ordinary = "legitimate: ordinary mailbox";
    public const string BehindMta = "legitimate: mailbox behind the tenant's MTA";
    public const string Colleague = "legitimate colleague";
    public const string YoungShop = "legitimate: young shop's order notices";

    /// <summary>Prefix of the bulk senders' roles (over the default per-minute limit by design: they may be deferred, never stopped).</summary>
    public const string BulkPrefix = "bulk: ";
    public const string Newsletter = BulkPrefix + "weekly newsletter with raised limits";
    public const string InvoiceRun = BulkPrefix + "invoice run";
    public const string NoReply = BulkPrefix + "shared noreply application account";

    /// <summary>Prefix of the attackers' roles.</summary>
    public const string AttackPrefix = "attack: ";
    public const string Hijack = AttackPrefix + "full-speed hijack";
    public const string FreshSignup = AttackPrefix + "fresh-signup phishing";
    public const string CampusFirstWave = AttackPrefix + "campus first wave";
    public const string CampusReserve = AttackPrefix + "campus reserve";
    public const string LowAndSlow = AttackPrefix + "low-and-slow phishing";
    public const string HarvestedList = AttackPrefix + "harvested list with many unknown addresses";
}
