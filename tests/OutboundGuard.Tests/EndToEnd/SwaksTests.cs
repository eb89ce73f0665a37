using System.Diagnostics;
using Xunit;

namespace OutboundGuard.Tests.EndToEnd;

/// <summary>The README's first message: swaks with AUTH over STARTTLS, as a newcomer sends it.</summary>
public sealed class SwaksTests(RelayFixture relay) : IClassFixture<RelayFixture>
{
    [Fact]
    public async Task Swaks_with_auth_over_starttls_delivers_into_the_downstream()
    {
        var address = $"swaks{Guid.NewGuid():N}"[..13] + "@tenant.example";
        var password = await relay.AddAccountAsync(address);
        var header = "X-Test-Id: " + Guid.NewGuid().ToString("N");

        var info = new ProcessStartInfo("swaks") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--server", "127.0.0.1", "--port", relay.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls",
                     "--auth", "PLAIN", "--auth-user", address, "--auth-password", password, "--from", address, "--to", "someone@example.org", "--add-header", header })
        {
            info.ArgumentList.Add(a);
        }

        using var swaks = Process.Start(info)!;
        var output = await swaks.StandardOutput.ReadToEndAsync();
        await swaks.WaitForExitAsync();

        Assert.True(swaks.ExitCode == 0, output);
        Assert.Contains("<-  220 ", output, StringComparison.Ordinal);
        Assert.Contains(" -> STARTTLS", output, StringComparison.Ordinal);
        Assert.Contains("~> AUTH PLAIN", output, StringComparison.Ordinal);
        Assert.NotNull(await relay.Sink.WaitForMessageContainingAsync(header, TimeSpan.FromSeconds(30)));
    }
}
