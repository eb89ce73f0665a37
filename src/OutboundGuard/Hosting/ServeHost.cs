using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboundGuard.Cluster;
using OutboundGuard.Observability;
using OutboundGuard.Admin;
using OutboundGuard.AdminScoring;
using OutboundGuard.Relay;
using OutboundGuard.Relay.Authentication;
using OutboundGuard.Smtp.Handoff;
using OutboundGuard.Smtp.Hosting;
using OutboundGuard.Storage.Accounts;
using OutboundGuard.Storage.Audit;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Storage.Tenants;
using OutboundGuard.Storage.Verdicts;
using Serilog;

namespace OutboundGuard.Hosting;

/// <summary>
/// The composition root of <c>serve</c>: configuration, Serilog, the database (private or external), the
/// SMTP listeners and the HTTP endpoint on one Kestrel, scoring, actions and delivery. Returns the exit code.
/// </summary>
internal static partial class ServeHost
{
    public static async Task<int> RunAsync(ParseResult parse, ServeArguments arguments, CancellationToken cancellationToken)
    {
        IConfigurationRoot configuration;
        try
        {
            configuration = HostConfiguration.Build(parse, arguments.ToConfiguration());
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or FormatException)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 2;
        }

        var bootstrap = new LoggerConfiguration();
        HostLogging.Configure(bootstrap, configuration);
        Log.Logger = bootstrap.CreateLogger();
        Database? database = null;
        try
        {
            var storage = HostConfiguration.Storage(configuration);
            Directory.CreateDirectory(storage.DataDirectory);
            var startupLogger = new Serilog.Extensions.Logging.SerilogLoggerFactory(Log.Logger).CreateLogger("OutboundGuard.Startup");
            database = await Database.OpenAsync(storage, startupLogger, migrate: true, cancellationToken);
            Log.Information("Database: {Database}", database.Description);
            LogPublicSuffixSource();

            var app = Build(configuration, storage, database);
            var demo = string.IsNullOrWhiteSpace(storage.ConnectionString)
                ? await DemoAccount.EnsureAsync(app.Services.GetRequiredService<AccountRepository>(), storage.DataDirectory, cancellationToken)
                : null;
            await app.StartAsync(cancellationToken);
            var spool = app.Services.GetRequiredService<FileSpool>();
            Log.Information("Spool: {SpoolDirectory}, files made durable by {SpoolSync} sync, {RecycledSpoolFiles} emptied files kept for reuse at most",
                spool.Directory, spool.Sync, storage.RecycledSpoolFiles);
            StartupBanner.Print(configuration, storage, demo);
            await app.WaitForShutdownAsync(cancellationToken);
            await app.DisposeAsync();
            return 0;
        }
        catch (StorageStartupException e)
        {
            Log.Fatal("{Error}", e.Message);
            return 1;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            Log.Fatal("Configuration error: {Error}", string.Join("; ", e.Failures));
            return 2;
        }
        catch (ArgumentException e)
        {
            Log.Fatal("Configuration error: {Error}", e.Message);
            return 2;
        }
        catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            Log.Fatal("Cannot listen: {Error}", e.Message);
            return 1;
        }
        finally
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            await Log.CloseAndFlushAsync();
        }
    }

    private static WebApplication Build(IConfigurationRoot configuration, StorageOptions storage, Database database)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = HostLogging.EnvironmentName(configuration),
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddSerilog((services, logger) => HostLogging.Configure(logger, configuration));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(TimeProvider.System);

        // Storage
        builder.Services.AddSingleton<NpgsqlDataSource>(database.DataSource);
        builder.Services.AddSingleton<AccountRepository>();
        builder.Services.AddSingleton<TenantRepository>();
        builder.Services.AddSingleton<ClientCertificateRepository>();
        builder.Services.AddSingleton<ConnectorTenantRepository>();
        builder.Services.AddSingleton<SenderConfirmation>();
        builder.Services.AddSingleton<VerdictRepository>();
        builder.Services.AddSingleton<AuditLogRepository>();
        builder.Services.AddSingleton<SpooledMessageRepository>();
        builder.Services.AddSingleton<SpoolCommitter>();
        builder.Services.AddSingleton(new FileSpool(Path.Combine(storage.DataDirectory, "spool"), storage.RecycledSpoolFiles, storage.SpoolSync));

        // Session → spool → pipeline → verdict → action → delivery
        builder.Services.AddSmtpServer(configuration.GetSection(SmtpOptions.SectionName));
        builder.Services.PostConfigure<SmtpOptions>(o =>
        {
            // Without configured PEM files, STARTTLS uses a self-signed certificate generated at start (logged as a warning),
            // in every environment: customers' MTAs then still encrypt (they do not verify a relay's certificate by default,
            // as with Postfix's snakeoil certificate), and AUTH never has to travel in clear or be refused.
            if (string.IsNullOrWhiteSpace(o.CertificatePath))
            {
                o.DevelopmentCertificate = true;
            }

            if (o.Listeners.Count == 0)
            {
                o.Listeners.Add(new SmtpListenerOptions());
            }
        });
        builder.Services.AddOptions<RelayOptions>().Bind(configuration.GetSection(RelayOptions.Section))
            .Validate(o => o.RefusedSessionsBeforeDelay >= 20, $"{RelayOptions.Section}:RefusedSessionsBeforeDelay must be at least 20, the sessions a customer's MTA opens.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ISmtpRelayHandler, RelayHandler>();
        builder.Services.AddDirectoryAuthentication(configuration);
        builder.Services.AddSingleton<OutboundGuard.Accounts.IAccountActions, OutboundGuard.Accounts.AccountActions>();
        builder.Services.AddSingleton<AccountGate>();
        builder.Services.AddSingleton<RefusedAttempts>();
        builder.Services.AddSingleton<RefusalBrake>();
        builder.Services.AddHostedService<RefusedAttemptWriter>();
        builder.Services.AddSingleton<AuthVerificationCache>();
        builder.Services.AddSingleton<AccountNetworkRepository>();
        builder.Services.AddSingleton<LoginWatch>();
        builder.Services.AddSingleton<OutboundGuard.Accounts.IAccountChangeObserver>(sp => sp.GetRequiredService<AuthVerificationCache>());
        builder.Services.AddSingleton<TransactionAccounts>();
        builder.Services.AddSingleton<IFeedbackLoopDoor, FeedbackLoopDoor>();
        builder.Services.AddSingleton<MessageSinkFactory>();
        builder.Services.AddSingleton<MessageScorer>();
        builder.Services.AddSingleton<IMessageScorer>(sp => sp.GetRequiredService<MessageScorer>());
        builder.Services.AddSingleton<ActionDispatcher>();
        builder.Services.AddScoring(configuration);
        builder.Services.AddRelayDelivery(configuration, storage);
        builder.Services.AddCluster(configuration);
        builder.Services.AddObservability();
        builder.Services.AddOutboundGuardAdmin(configuration);
        builder.Services.AddScoringForAdmin();
        // Last, so that in replay-clock mode its clock and scorer replace the system clock and the plain scorer.
        OutboundGuard.Replay.ReplayClockRegistration.AddReplayClock(builder.Services, configuration);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var smtp = configuration.GetSection(SmtpOptions.SectionName).Get<SmtpOptions>() ?? new SmtpOptions();
            if (smtp.Listeners.Count == 0)
            {
                smtp.Listeners.Add(new SmtpListenerOptions());
            }

            kestrel.ListenSmtp(smtp);
            var http = configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
            if (!string.IsNullOrWhiteSpace(http.Endpoint))
            {
                kestrel.Listen(EndpointParser.Parse(http.Endpoint, $"{HttpOptions.Section}:Endpoint"));
            }
        });

        var app = builder.Build();
        app.MapOperations();
        app.MapOutboundGuardAdmin();
        return app;
    }

    /// <summary>The registrable domains behind brand, mismatch and new-domain evidence need the full Public Suffix List: say which one runs.</summary>
    private static void LogPublicSuffixSource()
    {
        if (OutboundGuard.Scoring.Urls.PublicSuffixList.Default.Count == 0)
        {
            Log.Warning("Public Suffix List: {Source}; registrable domains fall back to the last two labels", OutboundGuard.Scoring.Urls.PublicSuffixes.Source);
        }
        else
        {
            Log.Information("Public Suffix List: {Source}", OutboundGuard.Scoring.Urls.PublicSuffixes.Source);
        }
    }
}
