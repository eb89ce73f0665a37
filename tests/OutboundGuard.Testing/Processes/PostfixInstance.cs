using System.Diagnostics;

namespace OutboundGuard.Testing.Processes;

/// <summary>
/// A private Postfix instance (its own config, queue and data folders in a temp folder) listening on a
/// loopback port and relaying everything to a <c>relayhost</c> with SASL over TLS: a customer's Postfix
/// pointed at the relay, as a mail admin would configure it.
/// </summary>
public sealed class PostfixInstance : IAsyncDisposable
{
    private readonly string _directory;

    private PostfixInstance(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string LogFile => Path.Combine(_directory, "postfix.log");

    private string ConfigDirectory => Path.Combine(_directory, "etc");

    /// <summary>Starts an instance relaying to <paramref name="relayPort"/> on 127.0.0.1 with the given SASL credentials, TLS required.</summary>
    public static Task<PostfixInstance> StartAsync(int relayPort, string saslUser, string saslPassword)
        => StartAsync("og-postfix-", directory => $"""
            compatibility_level = 3.6
            queue_directory = {directory}/queue
            data_directory = {directory}/data
            mail_owner = postfix
            setgid_group = postdrop
            myhostname = customer-mta.test
            mydestination =
            inet_interfaces = loopback-only
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            relayhost = [127.0.0.1]:{relayPort}
            maillog_file = {directory}/postfix.log
            maillog_file_prefixes = {directory}
            smtp_sasl_auth_enable = yes
            smtp_sasl_password_maps = static:{saslUser}:{saslPassword}
            smtp_sasl_security_options = noanonymous
            smtp_sasl_mechanism_filter = plain, login
            smtp_tls_security_level = encrypt
            minimal_backoff_time = 2s
            maximum_backoff_time = 4s
            queue_run_delay = 2s
            """);

    /// <summary>
    /// Starts an instance in a new temp folder named <paramref name="namePrefix"/>…, its main.cf written by
    /// <paramref name="mainCf"/> for that folder (queue and data folders inside it), listening on a free loopback port.
    /// </summary>
    internal static async Task<PostfixInstance> StartAsync(string namePrefix, Func<string, string> mainCf)
    {
        if (!File.Exists("/usr/sbin/postfix"))
        {
            throw new InvalidOperationException("Postfix is missing: apt-get install -y postfix libsasl2-modules");
        }

        var directory = Path.Combine(Path.GetTempPath(), namePrefix + Guid.NewGuid().ToString("N")[..10]);
        var port = FreePort.Next();
        foreach (var sub in new[] { "etc", "queue", "data" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        File.Copy("/etc/postfix/master.cf", Path.Combine(directory, "etc", "master.cf"));
        await File.WriteAllTextAsync(Path.Combine(directory, "etc", "main.cf"), mainCf(directory));
        var instance = new PostfixInstance(directory, port);
        // The listener on our port; no chroot, so the SASL plugins and TLS libraries are where Postfix looks.
        await instance.PostfixAsync("postconf", "-M", $"127.0.0.1:{port}/inet=127.0.0.1:{port} inet n - n - - smtpd");
        await instance.PostfixAsync("postconf", "-M#", "smtp/inet");
        await instance.PostfixAsync("postconf", "-F", "-e", "*/*/chroot = n");
        await RunAsync("chown", "postfix", Path.Combine(directory, "data"));
        var (code, output) = await instance.PostfixAsync("postfix", "start");
        if (code != 0)
        {
            throw new InvalidOperationException($"Postfix did not start ({code}): {output} {await instance.ReadLogAsync()}");
        }

        return instance;
    }

    public async Task<string> ReadLogAsync() => File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "";

    public async ValueTask DisposeAsync()
    {
        await PostfixAsync("postfix", "stop");
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<(int Code, string Output)> PostfixAsync(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["MAIL_CONFIG"] = ConfigDirectory;
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        await p.WaitForExitAsync();
    }
}
