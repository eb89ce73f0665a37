using System.Diagnostics;
using System.Net;

namespace OutboundGuard.Smtp.Tests.Support;

/// <summary>
/// OpenSSL's own client (<c>openssl s_client -starttls smtp</c>) as a real TLS peer that says whether its session was
/// resumed: it saves the session it was given with <c>-sess_out</c> and offers it again with <c>-sess_in</c>.
/// </summary>
public static class OpenSslClient
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// One STARTTLS session: EHLO and QUIT over TLS, reading until the server closes (so the TLS 1.3 session tickets
    /// that follow the handshake are read and saved). Returns s_client's report ("New, TLSv1.3, …" or "Reused, …").
    /// </summary>
    public static async Task<string> StartTlsSessionAsync(IPEndPoint server, string? sessionIn, string? sessionOut, (string Cert, string Key)? clientCertificate = null)
    {
        var info = new ProcessStartInfo("openssl")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "s_client", "-connect", $"{server.Address}:{server.Port}", "-starttls", "smtp", "-servername", "localhost", "-crlf", "-ign_eof" })
        {
            info.ArgumentList.Add(arg);
        }

        AddPair(info, "-sess_in", sessionIn);
        AddPair(info, "-sess_out", sessionOut);
        AddPair(info, "-cert", clientCertificate?.Cert);
        AddPair(info, "-key", clientCertificate?.Key);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("openssl did not start");
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(limit.Token);
            var errors = process.StandardError.ReadToEndAsync(limit.Token);
            await process.StandardInput.WriteAsync("EHLO client.example\nQUIT\n");
            process.StandardInput.Close();
            await process.WaitForExitAsync(limit.Token);
            return await output + await errors;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static void AddPair(ProcessStartInfo info, string flag, string? value)
    {
        if (value is not null)
        {
            info.ArgumentList.Add(flag);
            info.ArgumentList.Add(value);
        }
    }
}
