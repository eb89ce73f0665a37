using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace OutboundGuard.Admin.Tests.Support;

/// <summary>Headless Chromium driven by Debian's chromedriver, with a fresh profile, saving screenshots under the test output's artifacts/screenshots.</summary>
public sealed class Browser : IDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "og-chromium-" + Guid.NewGuid().ToString("N")[..10]);

    public Browser()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            throw new InvalidOperationException($"{Chromium} or {ChromeDriver} is missing: apt-get install -y chromium chromium-driver");
        }

        var service = ChromeDriverService.CreateDefaultService("/usr/bin");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000", $"--user-data-dir={_profile}");
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
    }

    public ChromeDriver Driver { get; }

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    /// <summary>Waits until the page shows <paramref name="by"/> (a navigation after a click may still be under way), then returns it.</summary>
    public IWebElement WaitFor(By by, TimeSpan? timeout = null)
    {
        var wait = new OpenQA.Selenium.Support.UI.WebDriverWait(Driver, timeout ?? TimeSpan.FromSeconds(30));
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            return wait.Until(d => d.FindElement(by));
        }
        catch (WebDriverTimeoutException e)
        {
            // Say where the browser is and what it shows, so that a failure tells a slow page from a wrong one or an error.
            throw new WebDriverTimeoutException($"{by} not shown on {Driver.Url} (title '{Driver.Title}', page text '{PageText()}')", e);
        }
    }

    /// <summary>The start of the page's visible text, on one line, for a failure's message.</summary>
    private string PageText()
    {
        try
        {
            var text = string.Join(' ', Driver.FindElement(By.TagName("body")).Text.Split((char[])['\r', '\n', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
            return text.Length > 300 ? text[..300] + "…" : text;
        }
        catch (WebDriverException)
        {
            return "(none)";
        }
    }

    /// <summary>Waits until <paramref name="found"/> returns an element (null: not yet); a page that changes meanwhile is looked at again.</summary>
    public IWebElement WaitUntil(Func<IWebDriver, IWebElement?> found, TimeSpan? timeout = null)
    {
        var wait = new OpenQA.Selenium.Support.UI.WebDriverWait(Driver, timeout ?? TimeSpan.FromSeconds(30));
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(found)!;
    }

    /// <summary>Set to 1, screenshots are also copied into the repository's docs/img, where docs/admin.md shows them.</summary>
    public const string DocsImagesVariable = "OUTBOUNDGUARD_SCREENSHOTS_TO_DOCS";

    /// <summary>Saves a PNG of the page (and copies it to docs/img when <see cref="DocsImagesVariable"/> is 1) and returns its path.</summary>
    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        if (Environment.GetEnvironmentVariable(DocsImagesVariable) == "1")
        {
            File.Copy(path, Path.Combine(DocsImages, name + ".png"), overwrite: true);
        }

        return path;
    }

    private static string DocsImages
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OutboundGuard.sln")))
                {
                    return Path.Combine(dir.FullName, "docs", "img");
                }
            }

            throw new InvalidOperationException($"{DocsImagesVariable}=1 but no repository (OutboundGuard.sln) is above {AppContext.BaseDirectory}.");
        }
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
