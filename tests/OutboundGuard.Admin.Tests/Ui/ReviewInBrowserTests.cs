using OpenQA.Selenium;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Ui;

[Collection(PostgresCollection.Name)]
public sealed class ReviewInBrowserTests(PostgresFixture postgres) : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(postgres);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string Url(string path) => new Uri(_host.BaseAddress, path).ToString();

    private static void SignIn(Browser browser, string url, string name, string password)
    {
        var driver = browser.Driver;
        driver.Navigate().GoToUrl(url);
        driver.FindElement(By.Id("name")).SendKeys(name);
        driver.FindElement(By.Id("password")).SendKeys(password);
        driver.FindElement(By.Id("sign-in")).Click();
    }

    [Fact]
    public async Task An_operator_signs_in_reads_the_evidence_reinstates_with_a_reason_and_sees_the_audit_entry()
    {
        await _host.Get<AdminUserRepository>().AddAsync("olga", "olga-password-1", AdminRoles.Operator, "test");
        var (account, _) = await Seed.SuspendedAccountAsync(_host, held: 2);
        using var browser = new Browser();
        var driver = browser.Driver;

        SignIn(browser, Url("/login"), "olga", "olga-password-1");
        Assert.Contains("Dashboard", browser.WaitFor(By.CssSelector("h1.dashboard")).Text, StringComparison.Ordinal);
        Assert.Contains("olga (operator)", driver.FindElement(By.TagName("header")).Text, StringComparison.Ordinal);
        Assert.NotNull(driver.FindElement(By.CssSelector("svg[aria-label='Messages per hour, last 24 hours']")));
        browser.Screenshot("01-dashboard");

        driver.FindElement(By.LinkText(account.Address)).Click();
        Assert.Equal(account.Address, browser.WaitFor(By.Id("account")).Text);
        Assert.Equal("suspended", driver.FindElement(By.Id("state")).Text);
        var evidence = driver.FindElement(By.Id("timeline")).Text;
        Assert.Contains(Seed.Evidence, evidence, StringComparison.Ordinal);
        Assert.Contains("link domain outlook-verify.example imitates outlook", evidence, StringComparison.Ordinal);
        Assert.Contains("Verify your account", driver.PageSource, StringComparison.Ordinal);
        browser.Screenshot("02-account-suspended");

        var reinstate = driver.FindElement(By.Id("reinstate"));
        reinstate.FindElement(By.Name("reason")).SendKeys("owner confirmed the burst was the yearly invoice run");
        reinstate.FindElement(By.TagName("button")).Click();
        driver.SwitchTo().Alert().Accept();

        Assert.Equal("Reinstated.", browser.WaitFor(By.Id("done")).Text);
        Assert.Equal("active", driver.FindElement(By.Id("state")).Text);
        browser.Screenshot("03-account-reinstated");
        Assert.Equal("active", (await _host.Get<AccountRepository>().FindAsync(account.Address))!.State);

        driver.Navigate().GoToUrl(Url("/audit?target=" + Uri.EscapeDataString(account.Address)));
        var row = driver.FindElements(By.CssSelector("#audit tr")).First(r => r.Text.Contains("account.active", StringComparison.Ordinal));
        Assert.Contains("user:olga", row.Text, StringComparison.Ordinal);
        Assert.Contains("owner confirmed the burst was the yearly invoice run", row.Text, StringComparison.Ordinal);
        browser.Screenshot("04-audit");
        Assert.True(File.Exists(Path.Combine(Browser.ScreenshotDirectory, "04-audit.png")));
    }

    [Fact]
    public async Task The_success_banner_shows_only_our_own_texts_never_words_from_the_link()
    {
        await _host.Get<AdminUserRepository>().AddAsync("bea", "bea-password-12", AdminRoles.Viewer, "test");
        var (account, _) = await Seed.SuspendedAccountAsync(_host, held: 1);
        using var browser = new Browser();
        var driver = browser.Driver;
        SignIn(browser, Url("/login"), "bea", "bea-password-12");
        browser.WaitFor(By.CssSelector("h1.dashboard"));
        const string Lure = "Your session expired. Call 1-555-0100";

        foreach (var page in new[] { "/accounts/" + Uri.EscapeDataString(account.Address), "/quarantine" })
        {
            driver.Navigate().GoToUrl(Url(page + "?done=" + Uri.EscapeDataString(Lure)));
            browser.WaitFor(By.TagName("h1"));
            Assert.DoesNotContain("1-555-0100", driver.PageSource, StringComparison.Ordinal);
            Assert.Empty(driver.FindElements(By.Id("done")));

            driver.Navigate().GoToUrl(Url(page + "?done=reinstated"));
            Assert.Equal("Reinstated.", browser.WaitFor(By.Id("done")).Text);
        }
    }

    [Fact]
    public async Task A_held_message_shows_its_HTML_as_source_and_never_runs_it()
    {
        await _host.Get<AdminUserRepository>().AddAsync("vera", "vera-password-1", AdminRoles.Viewer, "test");
        var (_, held) = await Seed.SuspendedAccountAsync(_host, held: 1);
        using var browser = new Browser();
        SignIn(browser, Url("/login"), "vera", "vera-password-1");
        browser.WaitFor(By.CssSelector("h1.dashboard"));

        browser.Driver.Navigate().GoToUrl(Url($"/quarantine/{held[0]}"));

        Assert.Contains("<script>alert('x')</script>", browser.WaitFor(By.Id("html-source")).Text, StringComparison.Ordinal);
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("main script")));
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("form[action$='/action']")));
        browser.Screenshot("05-held-message");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_a_form_without_the_antiforgery_token_is_rejected()
    {
        await _host.Get<AdminUserRepository>().AddAsync("pavel", "pavel-password-1", AdminRoles.Operator, "test");
        var (account, _) = await Seed.SuspendedAccountAsync(_host, held: 0);
        using (var browser = new Browser())
        {
            SignIn(browser, Url("/login"), "pavel", "wrong-password");
            Assert.Equal("Wrong name or password.", browser.WaitFor(By.Id("error")).Text);
        }

        // A signed-in session posting a form without the antiforgery token (as a cross-site form would) is refused.
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        var login = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(login, "name=\"__og_af\" value=\"([^\"]+)\"").Groups[1].Value;
        var signIn = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "pavel", ["password"] = "pavel-password-1", ["__og_af"] = token }));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signIn.StatusCode);
        var forged = await client.PostAsync($"/accounts/{account.Address}/action", new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "reinstate", ["reason"] = "forged" }));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("suspended", (await _host.Get<AccountRepository>().FindAsync(account.Address))!.State);
        Assert.DoesNotContain(await _host.Get<AuditLogRepository>().ListAsync(account.Address), e => e.Reason == "forged");
    }
}
