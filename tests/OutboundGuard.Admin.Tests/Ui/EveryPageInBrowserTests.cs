using System.Net;
using System.Net.Http.Headers;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Admin.Ui;
using OutboundGuard.Scoring.Policy;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Activity;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Campaigns;
using OutboundGuard.Storage.Quarantine;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Storage.UrlLists;
using OutboundGuard.Storage.Verdicts;
using OutboundGuard.Testing.Postgres;
using Xunit;
using EvidenceItem = OutboundGuard.Domain.Evidence;

namespace OutboundGuard.Admin.Tests.Ui;

/// <summary>
/// An admin walks every page of the web UI in headless Chromium against the real endpoints and database, and each change
/// is checked in the database and the audit log; then reads a suspended account's refused attempts, removes it, and
/// creates a user and an API key with the forms.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EveryPageInBrowserTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;
    private Browser _browser = null!;

    public async Task InitializeAsync()
    {
        _host = await AdminHost.StartAsync(postgres);
        _browser = new Browser();
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _host.DisposeAsync();
    }

    private IWebDriver Driver => _browser.Driver;

    /// <summary>Whether the whole element lies inside the browser window as it is scrolled now.</summary>
    private bool IsInViewport(IWebElement element) => (bool)_browser.Driver.ExecuteScript(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;", element)!;

    private void Go(string path) => Driver.Navigate().GoToUrl(new Uri(_host.BaseAddress, path).ToString());

    /// <summary>Fills the form's reason, submits, accepts the confirmation and waits for the banner to say <paramref name="expected"/>.</summary>
    private void Submit(IWebElement form, string reason, string expected)
    {
        form.FindElement(By.Name("reason")).SendKeys(reason);
        Confirm(form);
        WaitForBanner(expected);
    }

    /// <summary>Submits the form and accepts its confirmation prompt.</summary>
    private void Confirm(IWebElement form)
    {
        form.FindElement(By.CssSelector("button[type=submit]")).Click();
        Driver.SwitchTo().Alert().Accept();
    }

    private void SignIn(string name, string password)
    {
        Go("/login");
        Driver.FindElement(By.Id("name")).SendKeys(name);
        Driver.FindElement(By.Id("password")).SendKeys(password);
        Driver.FindElement(By.Id("sign-in")).Click();
        _browser.WaitFor(By.CssSelector("h1.dashboard"));
    }

    private void WaitForBanner(string expected)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(30));
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        wait.Until(d => d.FindElement(By.Id("done")).Text == expected);
    }

    [Fact]
    public async Task An_admin_walks_every_page_and_each_change_lands_in_the_database_and_the_audit_log()
    {
        await _host.Get<AdminUserRepository>().AddAsync("ada", "ada-password-123", AdminRoles.Admin, "test");
        var (hijacked, _) = await Seed.SuspendedAccountAsync(_host, address: "mallory-victim@tenant.example", held: 1);
        var (linked, linkedHeld) = await Seed.SuspendedAccountAsync(_host, address: "linked-sender@tenant.example", held: 3);
        var linkEvidence = new EvidenceItem("linked", 20, $"sent the same body fingerprint as suspended account {hijacked.Id}");
        await _host.Get<VerdictRepository>().InsertAsync(linked.Id, null, "s-link", new Verdict(VerdictAction.Quarantine, 20, [linkEvidence], "quarantined: linked"), linked.Address, 1, "Verify your account");
        var audit = _host.Get<AuditLogRepository>();

        SignIn("ada", "ada-password-123");
        Assert.NotEmpty(Driver.FindElements(By.CssSelector("#suspended a")));
        _browser.Screenshot("ui-dashboard");

        // Find the account by search, read why it was suspended, see its chart by action.
        Go("/accounts");
        _browser.WaitFor(By.Id("q")).SendKeys("mallory");
        Driver.FindElement(By.Id("search")).Click();
        // The list shown before the search may still be on the page: wait for the search's answer, one account, and
        // click that link, not one of the earlier list.
        var found = _browser.WaitUntil(d => d.FindElements(By.CssSelector("#accounts a")) is { Count: 1 } links
            && (links[0].GetAttribute("href") ?? "").Contains("mallory", StringComparison.Ordinal) ? links[0] : null);
        Assert.Single(Driver.FindElements(By.CssSelector("#accounts a")));
        _browser.Screenshot("ui-accounts");
        found.Click();
        Assert.Equal(hijacked.Address, _browser.WaitFor(By.Id("account")).Text);
        Assert.Contains(Seed.Evidence, Driver.FindElement(By.Id("state-reason")).Text, StringComparison.Ordinal);
        var chart = Driver.FindElement(By.CssSelector("svg[aria-label='Messages per minute around the incident']"));
        Assert.NotEmpty(chart.FindElements(By.CssSelector("g.gridline")));
        Assert.NotEmpty(chart.FindElements(By.CssSelector("g.bucket rect")));
        var legend = Driver.FindElement(By.CssSelector("figcaption.legend")).Text;
        Assert.Contains("refused (550) (1)", legend, StringComparison.Ordinal);
        Assert.Contains("held (1)", legend, StringComparison.Ordinal);
        Assert.Contains("rate", Driver.FindElement(By.Id("evidence")).Text, StringComparison.Ordinal);
        Assert.Contains("limit 30", Driver.FindElement(By.Id("evidence")).Text, StringComparison.Ordinal);
        Assert.Contains("30 messages/min", Driver.FindElement(By.Id("limits")).Text, StringComparison.Ordinal);
        Assert.Contains("deletes its held mail", Driver.FindElement(By.Id("review-hijacked")).Text, StringComparison.Ordinal);
        _browser.Screenshot("ui-account-suspended");

        // The linked account's evidence names the first account by id: a link to its page.
        Go("/accounts/" + Uri.EscapeDataString(linked.Address));
        var link = _browser.WaitFor(By.CssSelector("#evidence a.linked-account"));
        Assert.EndsWith("/accounts/" + Uri.EscapeDataString(hijacked.Address), link.GetAttribute("href"), StringComparison.Ordinal);

        // Hijacked: the review requires a new password, which is then set here.
        Go("/accounts/" + Uri.EscapeDataString(hijacked.Address));
        Submit(_browser.WaitFor(By.Id("review-hijacked")), "owner confirmed a phished password", "Review recorded: the account's state, its held mail and the blocks are shown below and in the audit log.");
        Assert.Equal("active", Driver.FindElement(By.Id("state")).Text);
        var setPassword = Driver.FindElement(By.Id("set-password"));
        setPassword.FindElement(By.Id("new-password")).SendKeys("Fresh-Pass-for-mallory-2026");
        _browser.Screenshot("ui-account-set-password");
        Submit(setPassword, "new password handed to the owner by phone", "New password set; the account may send again.");
        Assert.Empty(Driver.FindElements(By.Id("set-password")));
        Assert.NotNull(await _host.Get<AccountRepository>().VerifyPasswordAsync(hijacked.Address, "Fresh-Pass-for-mallory-2026"));
        Assert.False((await _host.Get<AccountRepository>().FindAsync(hijacked.Address))!.CredentialResetRequired);

        // Held mail in bulk: release two selected, then delete every one that still matches the filter.
        Go("/quarantine?account=" + Uri.EscapeDataString(linked.Address));
        Assert.StartsWith("3 held message(s)", _browser.WaitFor(By.Id("held-count")).Text, StringComparison.Ordinal);
        _browser.Screenshot("ui-quarantine");
        var boxes = Driver.FindElements(By.CssSelector("#held input[name=ids]"));
        boxes[0].Click();
        boxes[1].Click();
        Submit(Driver.FindElement(By.Id("bulk")), "checked by hand: invoices", "Released to delivery.");
        Assert.StartsWith("1 held message(s)", Driver.FindElement(By.Id("held-count")).Text, StringComparison.Ordinal);
        Driver.FindElement(By.Id("scope-matching")).Click();
        Driver.FindElement(By.CssSelector("#bulk-action option[value=delete]")).Click();
        Submit(Driver.FindElement(By.Id("bulk")), "phishing copy", "Deleted.");
        Assert.Empty(await _host.Get<QuarantineRepository>().ListAsync(linked.Id));
        var entries = await audit.SearchAsync(new AuditQuery(Action: "message."), 50);
        Assert.Equal(2, entries.Count(e => e.Action == "message.release" && e.Reason == "checked by hand: invoices"));
        Assert.Single(entries, e => e.Action == "message.delete" && e.Reason == "phishing copy" && linkedHeld.Contains(Guid.Parse(e.Target)));

        // Campaigns: the hijack review blocked the held mail's fingerprint; lift the block and set it again.
        Go("/campaigns");
        var row = _browser.WaitFor(By.CssSelector("#campaigns tr[id^='f-']"));
        var fingerprint = row.GetAttribute("id")![2..];
        Assert.Contains("blocked", row.Text, StringComparison.Ordinal);
        _browser.Screenshot("ui-campaigns");
        Submit(row.FindElement(By.TagName("form")), "false positive on a newsletter", "Block lifted.");
        Assert.Equal("unblocked", (await _host.Get<CampaignFingerprintRepository>().ListAsync()).Single(f => f.Fingerprint == fingerprint).Status);
        Submit(Driver.FindElement(By.Id("f-" + fingerprint)).FindElement(By.TagName("form")), "it is the phishing kit after all", "Fingerprint blocked for every account.");
        Assert.Equal("blocked", (await _host.Get<CampaignFingerprintRepository>().ListAsync()).Single(f => f.Fingerprint == fingerprint).Status);

        // URL lists: add and remove a block-list entry.
        Go("/url-lists");
        var add = _browser.WaitFor(By.Id("add-entry"));
        add.FindElement(By.Id("domain")).SendKeys("evil-links.example");
        Submit(add, "phishing landing pages", "Added to the list; scoring uses it now.");
        Assert.Contains("evil-links.example", Driver.FindElement(By.Id("block-list")).Text, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => Task.FromResult(_host.Urls.Blocklist.Contains("evil-links.example")), "the entry in scoring");
        _browser.Screenshot("ui-url-lists");
        Submit(Driver.FindElement(By.Id("block-list")).FindElement(By.TagName("form")), "domain taken down", "Removed from the list; scoring uses the change now.");
        Assert.DoesNotContain("evil-links.example", Driver.FindElement(By.Id("block-list")).Text, StringComparison.Ordinal);
        Assert.Empty(await _host.Get<UrlListRepository>().ListAsync());

        // Tenants: add and remove a connector.
        Go("/tenants");
        var tenantRow = _browser.WaitFor(By.Id("tenants")).FindElements(By.TagName("tr")).First(r => r.Text.StartsWith("tenant.example", StringComparison.Ordinal));
        var addConnector = tenantRow.FindElements(By.CssSelector("form[action='/tenants/connectors']")).Last();
        addConnector.FindElement(By.Name("network")).SendKeys("198.51.100.0/24");
        Submit(addConnector, "new office MTA", "Connector added: mail from that network is now the tenant's.");
        var tenant = (await _host.Get<TenantRepository>().FindAsync("tenant.example"))!;
        Assert.Equal(["198.51.100.0/24"], await _host.Get<TenantRepository>().ListConnectorsAsync(tenant.Id));
        _browser.Screenshot("ui-tenants");
        Submit(Driver.FindElement(By.CssSelector("#tenants .connector form")), "office moved", "Connector removed.");
        Assert.Empty(await _host.Get<TenantRepository>().ListConnectorsAsync(tenant.Id));

        // The read-only pages.
        Go("/users");
        Assert.Contains("ada", _browser.WaitFor(By.Id("users")).Text, StringComparison.Ordinal);
        _browser.Screenshot("ui-users");
        Go("/alerts");
        var delivery = _browser.WaitFor(By.Id("alert-delivery")).Text;
        Assert.Contains(linked.Address, delivery, StringComparison.Ordinal);
        Assert.DoesNotContain(hijacked.Address, delivery, StringComparison.Ordinal);
        _browser.Screenshot("ui-alerts");
        Go("/history?account=" + Uri.EscapeDataString(linked.Address));
        Assert.Equal(3, _browser.WaitFor(By.Id("history")).FindElements(By.CssSelector("tr")).Count - 1);
        _browser.Screenshot("ui-history");

        // Audit: search, and the same search as CSV.
        Go("/audit?action=tenant.connector");
        var auditText = _browser.WaitFor(By.Id("audit")).Text;
        Assert.Contains("tenant.connector.add", auditText, StringComparison.Ordinal);
        Assert.Contains("tenant.connector.remove", auditText, StringComparison.Ordinal);
        Assert.DoesNotContain("message.delete", auditText, StringComparison.Ordinal);
        _browser.Screenshot("ui-audit");
        var export = Driver.FindElement(By.Id("export")).GetAttribute("href")!;
        Assert.EndsWith("/audit/export.csv?action=tenant.connector", export, StringComparison.Ordinal);
        using var api = await _host.ClientAsync(AdminRoles.Viewer);
        var csv = await api.GetStringAsync("/api/audit/export.csv?q=" + Uri.EscapeDataString("office moved"));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at,actor,action,target,reason,details", lines[0]);
        Assert.Contains(",user:ada,tenant.connector.remove,tenant.example,office moved,", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task An_admin_sees_refused_attempts_removes_an_account_and_creates_a_user_and_an_api_key()
    {
        var admin = "adm" + Guid.NewGuid().ToString("N")[..8];
        await _host.Get<AdminUserRepository>().AddAsync(admin, "admin-password-123", AdminRoles.Admin, "test");
        var (bot, _) = await Seed.SuspendedAccountAsync(_host, address: $"bot{Guid.NewGuid():N}"[..11] + "@tenant.example", held: 1);
        // What the relay's writer adds after a suspended account kept trying: 81 attempts in one minute, 12 in the next.
        var minute = ChartData.Floor(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        await _host.Get<RefusedAttemptRepository>().AddAsync([new RefusedAttemptCount(bot.Id, minute, 81, 0), new RefusedAttemptCount(bot.Id, minute.AddMinutes(-1), 12, 0)], default);

        SignIn(admin, "admin-password-123");

        // The refused series in both charts of the account, and the timeline's line for the 10-min window(s).
        Go("/accounts/" + Uri.EscapeDataString(bot.Address));
        _browser.WaitFor(By.Id("account"));
        var legends = Driver.FindElements(By.CssSelector("figcaption.legend")).Select(l => l.Text).ToList();
        Assert.Equal(2, legends.Count);
        Assert.All(legends, l => Assert.Contains("refused attempts (suspended or throttled) (93)", l, StringComparison.Ordinal));
        var timeline = Driver.FindElement(By.Id("timeline")).FindElements(By.CssSelector("tr.refused")).Select(r => r.Text).ToList();
        Assert.InRange(timeline.Count, 1, 2);
        Assert.All(timeline, t => Assert.Contains("while suspended (at MAIL FROM, within 10 min)", t, StringComparison.Ordinal));
        // The charts sit below the state and the decision forms: bring the first one's heading to the top so the capture shows both.
        var chart = Driver.FindElement(By.CssSelector("figure.chart"));
        _browser.Driver.ExecuteScript("arguments[0].scrollIntoView({block: 'start'});", Driver.FindElement(By.XPath("//h2[starts-with(., 'Messages per minute')]")));
        Assert.True(IsInViewport(chart) && IsInViewport(Driver.FindElement(By.Id("day-chart"))), "the charts are not in the window of the capture");
        _browser.Screenshot("ui-account-refused");

        // Remove it: the button asks for a reason and a confirmation; the page lives on under the tombstone address.
        var remove = Driver.FindElement(By.Id("remove"));
        Assert.Contains("history, verdicts and audit trail stay", remove.Text, StringComparison.Ordinal);
        Submit(remove, "customer left", "Removed: its queued mail is held, it no longer exists for SMTP; its history stays on this page.");
        Assert.Equal(AccountRepository.Tombstone(bot.Address, bot.Id), Driver.FindElement(By.Id("account")).Text);
        Assert.Empty(Driver.FindElements(By.Id("remove")));
        Assert.Null(await _host.Get<AccountRepository>().FindAsync(bot.Address));
        Assert.Single(await _host.Get<AuditLogRepository>().ListAsync(bot.Address), e => e.Action == "account.remove" && e.Actor == "user:" + admin);

        // A user through the form: the password rule holds, the role is the one chosen.
        Go("/users");
        var addUser = _browser.WaitFor(By.Id("add-user"));
        var userName = "bea" + Guid.NewGuid().ToString("N")[..6];
        addUser.FindElement(By.Name("name")).SendKeys(userName);
        addUser.FindElement(By.CssSelector($"select[name=role] option[value={AdminRoles.Operator}]")).Click();
        addUser.FindElement(By.Name("password")).SendKeys("Bea-Signs-In-2024!");
        Confirm(addUser);
        WaitForBanner("User added; they sign in with the password you gave them.");
        Assert.Equal(AdminRoles.Operator, (await _host.Get<AdminUserRepository>().FindAsync(userName))!.Role);
        Assert.Contains(userName, Driver.FindElement(By.Id("users")).Text, StringComparison.Ordinal);

        // An API key through the form: shown once on the reply page, and it works.
        var addKey = Driver.FindElement(By.Id("add-key"));
        var keyName = "nightly" + Guid.NewGuid().ToString("N")[..6];
        addKey.FindElement(By.Name("name")).SendKeys(keyName);
        addKey.FindElement(By.CssSelector($"select[name=role] option[value={AdminRoles.Viewer}]")).Click();
        addKey.FindElement(By.Name("expires")).SendKeys("30d");
        Confirm(addKey);
        var key = _browser.WaitFor(By.Id("new-key-value")).Text;
        Assert.StartsWith("ogk_", key, StringComparison.Ordinal);
        _browser.Screenshot("ui-users-new-key");
        using (var api = new HttpClient { BaseAddress = _host.BaseAddress })
        {
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/accounts")).StatusCode);
        }

        Go("/users");
        Assert.Contains(keyName, _browser.WaitFor(By.Id("keys")).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, Driver.PageSource, StringComparison.Ordinal);
        Assert.Empty(Driver.FindElements(By.Id("new-key-value")));
    }
}
