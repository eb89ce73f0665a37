using System.Net;
using Microsoft.Extensions.Options;

namespace OutboundGuard.Delivery;

/// <summary>Checks <see cref="DeliveryOptions"/> at start; each error names the configuration key.</summary>
internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    private const string Prefix = DeliveryOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var errors = new List<string>();
        ValidateSmarthost(options.Smarthost, "Smarthost", errors);
        ValidateSmarthost(options.HighRiskSmarthost, "HighRiskSmarthost", errors);
        if (options.Smarthost is null && string.IsNullOrWhiteSpace(options.SinkDirectory))
        {
            errors.Add($"{Prefix}SinkDirectory must be set when no {Prefix}Smarthost is configured.");
        }

        Positive(options.Parallelism, "Parallelism", errors);
        if (options.InboundFirstParallelism is < 1)
        {
            errors.Add($"{Prefix}InboundFirstParallelism must be at least 1 (or unset for a quarter of {Prefix}Parallelism); it is {options.InboundFirstParallelism}.");
        }

        Positive(options.InboundFirstMaxWait, "InboundFirstMaxWait", errors);
        Positive(options.RetryInitialDelay, "RetryInitialDelay", errors);
        Positive(options.PollInterval, "PollInterval", errors);
        Positive(options.LeaseDuration, "LeaseDuration", errors);
        Positive(options.MaxQueueLifetime, "MaxQueueLifetime", errors);
        Positive(options.MaxMessageSize, "MaxMessageSize", errors);
        if (options.RetryMaxDelay < options.RetryInitialDelay)
        {
            errors.Add($"{Prefix}RetryMaxDelay ({options.RetryMaxDelay}) must not be shorter than {Prefix}RetryInitialDelay ({options.RetryInitialDelay}).");
        }

        if (options.PollInterval > options.LeaseDuration / 3)
        {
            errors.Add($"{Prefix}PollInterval ({options.PollInterval}) must be at most a third of {Prefix}LeaseDuration ({options.LeaseDuration}): leases are renewed from the poll loop.");
        }

        if (options.RetryJitter is < 0 or >= 1 || double.IsNaN(options.RetryJitter))
        {
            errors.Add($"{Prefix}RetryJitter must be at least 0 and below 1 (a fraction of the delay); it is {options.RetryJitter}.");
        }

        if (options.SpoolRetention < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}SpoolRetention must not be negative.");
        }

        if (string.IsNullOrWhiteSpace(options.ServerName))
        {
            errors.Add($"{Prefix}ServerName must be set (it names this relay in DSNs).");
        }

        if (!string.IsNullOrEmpty(options.BounceSender) && !options.BounceSender.Contains('@', StringComparison.Ordinal))
        {
            errors.Add($"{Prefix}BounceSender must be a mailbox (local@domain); it is '{options.BounceSender}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateSmarthost(SmarthostOptions? smarthost, string key, List<string> errors)
    {
        if (smarthost is null)
        {
            return;
        }

        var prefix = Prefix + key + ":";
        if (string.IsNullOrWhiteSpace(smarthost.Host))
        {
            errors.Add($"{prefix}Host must be set.");
        }

        if (smarthost.Port is < 1 or > 65535)
        {
            errors.Add($"{prefix}Port must be between 1 and 65535; it is {smarthost.Port}.");
        }

        if (!string.IsNullOrEmpty(smarthost.Username) && string.IsNullOrEmpty(smarthost.Password))
        {
            errors.Add($"{prefix}Password must be set with {prefix}Username.");
        }

        if (smarthost.AcceptSelfSignedCertificate && !IsLoopback(smarthost.Host))
        {
            errors.Add($"{prefix}AcceptSelfSignedCertificate is only allowed for a loopback host (localhost, 127.0.0.0/8, ::1), not '{smarthost.Host}'.");
        }

        Positive(smarthost.MaxConnections, key + ":MaxConnections", errors);
        Positive(smarthost.MaxMessagesPerConnection, key + ":MaxMessagesPerConnection", errors);
        Positive(smarthost.CommandTimeout, key + ":CommandTimeout", errors);
        if (smarthost.IdleTimeout < TimeSpan.Zero)
        {
            errors.Add($"{prefix}IdleTimeout must not be negative.");
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static void Positive(long value, string key, List<string> errors)
    {
        if (value <= 0)
        {
            errors.Add($"{Prefix}{key} must be positive; it is {value}.");
        }
    }

    private static void Positive(TimeSpan value, string key, List<string> errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}{key} must be positive; it is {value}.");
        }
    }
}
