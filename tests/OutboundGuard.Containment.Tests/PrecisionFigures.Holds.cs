using System.Globalization;
using System.Text;
using OutboundGuard.Replay.Bursts;
using OutboundGuard.Replay.Generation;

namespace OutboundGuard.Containment.Tests;

/// <summary>The hold-and-rescan section of the figures: per group of senders, messages held and how their holds ended.</summary>
public sealed partial class PrecisionFigures
{
    private static readonly (string[] Roles, string Group)[] AttackGroups =
    [
        ([PrecisionRoles.Hijack], "full-speed hijack"),
        ([PrecisionRoles.FreshSignup], "fresh-signup phishing"),
        ([PrecisionRoles.CampusFirstWave, PrecisionRoles.CampusReserve], "campus (first wave + reserves)"),
        ([PrecisionRoles.LowAndSlow], "low-and-slow phishing"),
    ];

    /// <summary>The table of holds: legitimate groups first (held then released is their only delay), then the attacks.</summary>
    public static string HoldsToText(Burst burst, HeldQueue holds, TimeSpan hold)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Hold and rescan (hold {hold.TotalSeconds:0} s of wall time in this run; 15 min by default):");
        text.AppendLine(c, $"{"SENDERS",-42} {"ACCTS",5} {"HELD",5} {"RELEASED",8} {"QUAR",5} {"WAITING",7} {"LONGEST",8}");
        foreach (var (role, group) in LegitimateGroups)
        {
            Row(group, [role]);
        }

        foreach (var (roles, group) in AttackGroups)
        {
            Row(group, roles);
        }

        text.AppendLine("(HELD: messages held for a rescan; RELEASED: delivered after it; QUAR: quarantined at the rescan or by a suspension meanwhile; LONGEST: longest hold of a released message, s.)");
        return text.ToString();

        void Row(string group, string[] roles)
        {
            var members = burst.AccountAddresses.Where(a => roles.Contains(burst.AccountSetup(a)?.Role)).Select(holds.For).ToList();
            if (members.Count == 0)
            {
                return;
            }

            text.AppendLine(c, $"{group,-42} {members.Count(m => m.Held > 0),5} {members.Sum(m => m.Held),5} {members.Sum(m => m.Released),8} {members.Sum(m => m.Quarantined),5} {members.Sum(m => m.Waiting),7} {members.Max(m => m.LongestSeconds),8:0}");
        }
    }
}
