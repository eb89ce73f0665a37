using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using OutboundGuard.Admin.Tests.Support;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Admin.Tests.Security;

/// <summary>
/// Every page, with an antiforgery form (sign-in) or without (the accounts list), is sent uncacheable, unframeable and
/// with nothing allowed from elsewhere, and with the cache headers antiforgery itself sets (else it overrides them and
/// logs a warning for every page).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PageHeadersTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Password = "ada-long-password-7";
    private AdminHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await AdminHost.StartAsync(postgres);
        await _host.Get<AdminUserRepository>().AddAsync("ada", Password, AdminRoles.Viewer, "test");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Pages_are_not_cached_framed_or_fed_from_elsewhere()
    {
        var warnings = new WarningLog();
        _host.Get<ILoggerFactory>().AddProvider(warnings);
        using var browser = new SignInClient(_host.BaseAddress, IPAddress.Loopback);
        AssertHeaders("/login", await browser.GetAsync("/login"));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ada", Password)).StatusCode);
        AssertHeaders("/accounts", await browser.GetAsync("/accounts"));
        Assert.DoesNotContain(warnings.Lines, l => l.Contains("Cache-Control", StringComparison.OrdinalIgnoreCase));
    }

    private static void AssertHeaders(string path, HttpResponseMessage page)
    {
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path}: {(int)page.StatusCode}");
        var cache = page.Headers.CacheControl!;
        Assert.True(cache.NoStore && cache.NoCache, $"{path}: Cache-Control {cache}");
        Assert.Equal("no-cache", page.Headers.Pragma.ToString());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }

    /// <summary>Every warning or worse logged by the host, as "category: message".</summary>
    private sealed class WarningLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lines.Enqueue($"{category}: {formatter(state, exception)}");
                }
            }
        }
    }
}
