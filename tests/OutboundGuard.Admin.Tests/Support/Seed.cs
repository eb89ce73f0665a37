using OutboundGuard.Scoring.Accounts;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Storage.Verdicts;
using EvidenceItem = OutboundGuard.Domain.Evidence;

namespace OutboundGuard.Admin.Tests.Support;

/// <summary>Puts a suspended account with evidence and held mail into the database the way the relay does (same repositories).</summary>
public static class Seed
{
    public const string Evidence = "61 messages in 1 min, limit 30";

    public const string PhishBody = "Dear customer, your mailbox is full. Click here to verify your password now or your account will be closed today: http://outlook-verify.example/login";

    /// <summary>Creates the account, stores a suspend verdict with evidence, suspends it and holds <paramref name="held"/> messages.</summary>
    public static async Task<(AccountRecord Account, IReadOnlyList<Guid> Held)> SuspendedAccountAsync(AdminHost host, string? address = null, int held = 3, string? adminEmail = null)
    {
        address ??= $"u{Guid.NewGuid():N}"[..12] + "@tenant.example";
        var accounts = host.Get<AccountRepository>();
        var account = await accounts.AddAsync(address, address[(address.IndexOf('@') + 1)..], "correct horse battery", "test");
        var messages = host.Get<SpooledMessageRepository>();
        var ids = new List<Guid>();
        for (var i = 0; i < held; i++)
        {
            var id = Guid.NewGuid();
            var path = Path.Combine(host.SpoolDirectory, id.ToString("N") + ".eml");
            await File.WriteAllTextAsync(path, $"From: <{address}>\r\nTo: <victim{i}@example.org>\r\nSubject: Verify your account\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n{PhishBody}\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>{PhishBody}</p><script>alert('x')</script>\r\n--b--\r\n");
            var verdict = new Verdict(VerdictAction.Quarantine, 55, [new EvidenceItem("url", 55, "link domain outlook-verify.example imitates outlook")], "quarantined: link to outlook-verify.example imitates outlook");
            await messages.InsertAsync(new SpooledMessage
            {
                Id = id, AccountId = account.Id, SessionId = "s" + i, ClientIp = "192.0.2.10", EnvelopeFrom = address, Recipients = [$"victim{i}@example.org"],
                SizeOctets = new FileInfo(path).Length, SpoolPath = path, Subject = "Verify your account", State = MessageState.Quarantined,
            }, (c, t) => VerdictRepository.InsertAsync(c, t, account.Id, id, "s" + i, verdict, address, 1, "Verify your account", CancellationToken.None));
            ids.Add(id);
        }

        var suspend = new Verdict(VerdictAction.Suspend, 120, [new EvidenceItem("rate", 120, Evidence)], "suspended: " + Evidence);
        var verdictId = await host.Get<VerdictRepository>().InsertAsync(account.Id, null, "s-x", suspend, address, 1, "Verify your account");
        if (adminEmail is not null)
        {
            await host.Get<Storage.Tenants.TenantRepository>().SetAdminEmailAsync(account.Tenant, adminEmail, "test");
        }

        await accounts.SetStateAsync(account.Id, AccountState.Suspended, suspend.Reason, "policy", verdictId: verdictId);
        return ((await accounts.FindByIdAsync(account.Id))!, ids);
    }
}
