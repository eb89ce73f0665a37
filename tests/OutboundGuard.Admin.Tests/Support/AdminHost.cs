using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboundGuard.Scoring.Campaigns;
using OutboundGuard.Scoring.Content;
using OutboundGuard.Scoring.Tracking;
using OutboundGuard.Scoring.Urls;
using OutboundGuard.AdminScoring;
using OutboundGuard.Storage.Admin;
using OutboundGuard.Testing.Postgres;

namespace OutboundGuard.Admin.Tests.Support;

/// <summary>
/// The admin endpoints on a real Kestrel at 127.0.0.1:0 over a fresh database of the private cluster, with
/// the real repositories and the scoring objects the relay shares with them (campaign tracker, URL lists,
/// a small trained content model).
/// </summary>
public sealed class AdminHost : IAsyncDisposable
{
    private AdminHost(WebApplication app, NpgsqlDataSource dataSource, Uri baseAddress, string spoolDirectory)
    {
        App = app;
        DataSource = dataSource;
        BaseAddress = baseAddress;
        SpoolDirectory = spoolDirectory;
    }

    public WebApplication App { get; }

    public NpgsqlDataSource DataSource { get; }

    public Uri BaseAddress { get; }

    public string SpoolDirectory { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public CampaignTracker Tracker => Get<CampaignTracker>();

    public UrlReputationOptions Urls => Get<UrlReputationOptions>();

    public NaiveBayesModel Model => Get<NaiveBayesModel>();

    public static async Task<AdminHost> StartAsync(PostgresFixture postgres, IDictionary<string, string?>? settings = null, string? environment = null)
    {
        var dataSource = await postgres.CreateDatabaseAsync("admin_" + Guid.NewGuid().ToString("N")[..12]);
        var app = await BuildAndStartAsync(dataSource, settings, environment);
        var spool = Path.Combine(Path.GetTempPath(), "og-admin-spool-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(spool);
        return new AdminHost(app, dataSource, AddressOf(app), spool);
    }

    /// <summary>Where a started host of these tests listens (its one Kestrel address at 127.0.0.1:port).</summary>
    internal static Uri AddressOf(WebApplication app) => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Builds and starts the admin endpoints over <paramref name="dataSource"/> (another node of the same database when it is shared).</summary>
    internal static async Task<WebApplication> BuildAndStartAsync(NpgsqlDataSource dataSource, IDictionary<string, string?>? settings, string? environment = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new CampaignTracker());
        builder.Services.AddSingleton(new UrlReputationOptions());
        var model = new NaiveBayesModel();
        model.Learn("meeting notes", "please find the notes from our weekly meeting attached", spam: false);
        model.Learn("verify your account", "your mailbox is full click here to verify your password now", spam: true);
        builder.Services.AddSingleton(model);
        builder.Services.AddOutboundGuardAdmin(builder.Configuration);
        builder.Services.AddSingleton(new ComplaintLedger());
        builder.Services.AddScoringForAdmin(); // the scoring side of the command path, as the host runs it
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/health", () => Microsoft.AspNetCore.Http.Results.Ok(new { status = "ok" }));
        app.MapOutboundGuardAdmin();
        await app.StartAsync();
        return app;
    }

    /// <summary>Creates an API key with the role and returns a client that sends it (as a Bearer token, or as X-Api-Key).</summary>
    public async Task<HttpClient> ClientAsync(string role, bool headerStyle = false)
    {
        var (_, key) = await Get<ApiKeyRepository>().CreateAsync($"{role}-{Guid.NewGuid():N}"[..20], role, "test");
        var client = Anonymous();
        if (headerStyle)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        else
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await DataSource.DisposeAsync();
        try
        {
            Directory.Delete(SpoolDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
