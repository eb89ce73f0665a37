using System.Net;
using Microsoft.Extensions.Options;

namespace OutboundGuard.Smtp.Hosting;

/// <summary>Checks <see cref="SmtpOptions"/> at start; every error names the configuration key.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    private const string Prefix = SmtpOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ServerName))
        {
            errors.Add($"{Prefix}ServerName must not be empty.");
        }

        for (var i = 0; i < options.Listeners.Count; i++)
        {
            var listener = options.Listeners[i];
            if (!IPEndPoint.TryParse(listener.Endpoint ?? string.Empty, out _))
            {
                errors.Add($"{Prefix}Listeners:{i}:Endpoint '{listener.Endpoint}' is not an address:port such as 127.0.0.1:2525.");
            }

            var hasCertificate = !string.IsNullOrEmpty(options.CertificatePath) || options.DevelopmentCertificate;
            if (listener.Mode is SmtpListenerMode.ImplicitTls or SmtpListenerMode.StartTls && !hasCertificate)
            {
                errors.Add($"{Prefix}Listeners:{i}:Mode {listener.Mode} needs {Prefix}CertificatePath (or {Prefix}DevelopmentCertificate).");
            }
        }

        for (var i = 0; i < options.TrustedProxies.Count; i++)
        {
            if (!TrustedProxyList.TryParseNetwork(options.TrustedProxies[i], out _))
            {
                errors.Add($"{Prefix}TrustedProxies:{i} '{options.TrustedProxies[i]}' is not an address or CIDR network such as 10.0.0.0/24.");
            }
        }

        if (options.Listeners.Any(l => l.ProxyProtocol == ProxyProtocolMode.Required) && options.TrustedProxies.Count == 0)
        {
            errors.Add($"{Prefix}TrustedProxies must name the load balancers when a listener sets ProxyProtocol to Required.");
        }

        if (options.ProxyHeaderTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}ProxyHeaderTimeout must be positive.");
        }

        if (!string.IsNullOrEmpty(options.CertificatePath) && !File.Exists(options.CertificatePath))
        {
            errors.Add($"{Prefix}CertificatePath '{options.CertificatePath}' does not exist.");
        }

        if (!string.IsNullOrEmpty(options.PrivateKeyPath) && !File.Exists(options.PrivateKeyPath))
        {
            errors.Add($"{Prefix}PrivateKeyPath '{options.PrivateKeyPath}' does not exist.");
        }

        if (!string.IsNullOrEmpty(options.ClientCertificateAuthoritiesPath) && !File.Exists(options.ClientCertificateAuthoritiesPath))
        {
            errors.Add($"{Prefix}ClientCertificateAuthoritiesPath '{options.ClientCertificateAuthoritiesPath}' does not exist.");
        }

        var limits = options.Limits;
        Positive(errors, "MaxCommandLineLength", limits.MaxCommandLineLength, 512);
        Positive(errors, "MaxTextLineLength", limits.MaxTextLineLength, 1000);
        Positive(errors, "MaxRecipients", limits.MaxRecipients, 1);
        Positive(errors, "MaxMessageSize", limits.MaxMessageSize, 1);
        Positive(errors, "MaxErrors", limits.MaxErrors, 1);
        Positive(errors, "MaxConnectionsPerIp", limits.MaxConnectionsPerIp, 1);
        Positive(errors, "MaxConnections", limits.MaxConnections, 1);
        Positive(errors, "MaxSessionsPerAccount", limits.MaxSessionsPerAccount, 20);
        Positive(errors, "RefusedSessionsBeforeAddressBudget", limits.RefusedSessionsBeforeAddressBudget, 20);
        Positive(errors, "RefusedAddressSessionsPerMinute", limits.RefusedAddressSessionsPerMinute, 0);
        Positive(errors, "MaxAuthFailures", limits.MaxAuthFailures, 1);
        Positive(errors, "MaxAuthFailuresPerIp", limits.MaxAuthFailuresPerIp, 1);
        foreach (var (key, value) in new[]
        {
            ("InitialTimeout", limits.InitialTimeout), ("MailTimeout", limits.MailTimeout), ("RcptTimeout", limits.RcptTimeout),
            ("DataInitiationTimeout", limits.DataInitiationTimeout), ("DataBlockTimeout", limits.DataBlockTimeout),
            ("DataTerminationTimeout", limits.DataTerminationTimeout), ("ServerTimeout", limits.ServerTimeout), ("AuthLockout", limits.AuthLockout),
            ("CommandTimeout", limits.CommandTimeout), ("AcceptedMailShieldsAddressFor", limits.AcceptedMailShieldsAddressFor),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{Prefix}Limits:{key} must be positive.");
            }
        }

        if (limits.MinimumDataRate < 0 || limits.MinimumDataRateGrace < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}Limits:MinimumDataRate and {Prefix}Limits:MinimumDataRateGrace must not be negative.");
        }

        if (limits.GreetingDelay < TimeSpan.Zero || limits.AuthFailureDelay < TimeSpan.Zero || limits.RefusedAddressReplyDelay < TimeSpan.Zero)
        {
            errors.Add($"{Prefix}Limits:GreetingDelay, {Prefix}Limits:AuthFailureDelay and {Prefix}Limits:RefusedAddressReplyDelay must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string key, long value, long minimum)
    {
        if (value < minimum)
        {
            errors.Add($"{Prefix}Limits:{key} must be at least {minimum} (is {value}).");
        }
    }
}
