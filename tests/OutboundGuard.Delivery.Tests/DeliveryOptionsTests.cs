using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace OutboundGuard.Delivery.Tests;

public sealed class DeliveryOptionsTests
{
    [Fact]
    public void Validation_errors_name_the_configuration_key()
    {
        var options = new DeliveryOptions
        {
            Smarthost = new SmarthostOptions { Host = "smtp.example.org", Port = 0, Username = "relay", AcceptSelfSignedCertificate = true },
            Parallelism = 0,
            RetryJitter = 1.5,
        };

        var result = new DeliveryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("OutboundGuard:Delivery:Smarthost:Port ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OutboundGuard:Delivery:Smarthost:Password ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OutboundGuard:Delivery:Smarthost:AcceptSelfSignedCertificate is only allowed for a loopback host", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OutboundGuard:Delivery:Parallelism ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OutboundGuard:Delivery:RetryJitter ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_are_valid_and_deliver_into_the_sink()
    {
        var options = new DeliveryOptions();

        Assert.True(new DeliveryOptionsValidator().Validate(null, options).Succeeded);
        Assert.Null(options.Smarthost);
        Assert.Equal((4, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(5)), (options.Parallelism, options.RetryInitialDelay, options.RetryMaxDelay, options.MaxQueueLifetime));
        Assert.Equal($"MAILER-DAEMON@{Environment.MachineName}", options.EffectiveBounceSender);
    }

    [Fact]
    public void The_host_registration_binds_the_section_and_runs_the_queue_as_a_hosted_service()
    {
        using var host = BuildHost(new() { ["OutboundGuard:Delivery:Smarthost:Host"] = "127.0.0.1", ["OutboundGuard:Delivery:Smarthost:Port"] = "2525", ["OutboundGuard:Delivery:Parallelism"] = "8" });

        var options = host.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value;

        Assert.Equal((8, "127.0.0.1", 2525), (options.Parallelism, options.Smarthost!.Host, options.Smarthost.Port));
        Assert.Same(host.Services.GetRequiredService<DeliveryQueue>(), host.Services.GetServices<IHostedService>().OfType<DeliveryQueue>().Single());
    }

    [Fact]
    public async Task The_host_refuses_to_start_with_bad_delivery_options()
    {
        using var host = BuildHost(new() { ["OutboundGuard:Delivery:Smarthost:Host"] = "", ["OutboundGuard:Delivery:Smarthost:Port"] = "587" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("OutboundGuard:Delivery:Smarthost:Host must be set.", error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1;Database=none"));
        builder.Services.AddOutboundGuardDelivery(builder.Configuration);
        return builder.Build();
    }
}
