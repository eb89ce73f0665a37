using System.Diagnostics;
using System.Globalization;
using System.Text;
using OutboundGuard.Testing.Tls;

namespace OutboundGuard.Testing.Processes;

/// <summary>
/// A private OpenLDAP server (slapd, mdb backend) on a port on 127.0.0.1 with its own config and database in a temp
/// folder. The people under <see cref="PeopleDn"/> are loaded with <c>slapadd</c> before the start, so their
/// <c>createTimestamp</c> can be set in the past as in a long-running directory. No system service. With TLS (the
/// default) it also listens on ldaps:// and accepts StartTLS, with a certificate issued by a CA of its own
/// (<see cref="CaPem"/>) for 127.0.0.1 and localhost, or for the names the test gives.
/// </summary>
public sealed class SlapdInstance : IAsyncDisposable
{
    /// <summary>The directory's suffix.</summary>
    public const string Suffix = "dc=directory,dc=example";

    /// <summary>Where the people are.</summary>
    public const string PeopleDn = "ou=people," + Suffix;

    /// <summary>The administrator (rootdn), usable as the search bind DN.</summary>
    public const string AdminDn = "cn=admin," + Suffix;

    private readonly ForegroundDaemon _daemon;

    private SlapdInstance(int port, int ldapsPort, string adminPassword, string? caPem, string caFile, ForegroundDaemon daemon)
    {
        Port = port;
        LdapsPort = ldapsPort;
        AdminPassword = adminPassword;
        CaPem = caPem;
        CaFile = caFile;
        _daemon = daemon;
    }

    public int Port { get; }

    /// <summary>The ldaps:// port; 0 without TLS.</summary>
    public int LdapsPort { get; }

    /// <summary>The PEM of the CA that issued the server's certificate; null without TLS.</summary>
    public string? CaPem { get; }

    /// <summary>A file holding <see cref="CaPem"/>, as given to <c>--ldap-tls-ca-file</c>.</summary>
    public string CaFile { get; }

    /// <summary>The ldaps:// URL (TLS from the first octet).</summary>
    public string LdapsUrl => $"ldaps://127.0.0.1:{LdapsPort}";

    public string AdminPassword { get; }

    public string Url => $"ldap://127.0.0.1:{Port}";

    /// <summary>Starts slapd with these people (uid, mail, password, entry created at).</summary>
    /// <param name="people">The entries under <see cref="PeopleDn"/>.</param>
    /// <param name="tls">Whether to offer ldaps:// and StartTLS; without, slapd refuses StartTLS.</param>
    /// <param name="certificateNames">The names in the server certificate; default 127.0.0.1 and localhost.</param>
    public static async Task<SlapdInstance> StartAsync(IEnumerable<(string Uid, string Mail, string Password, DateTimeOffset CreatedAt)> people, bool tls = true, string[]? certificateNames = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "og-slapd-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(directory, "db"));
        var port = FreePort.Next();
        var adminPassword = "admin-" + Guid.NewGuid().ToString("N")[..12];
        var config = Path.Combine(directory, "slapd.conf");
        var ldapsPort = tls ? FreePort.Next() : 0;
        string? caPem = null;
        var caFile = Path.Combine(directory, "ca.pem");
        var tlsConfig = "";
        if (tls)
        {
            using var ca = TestCertificateAuthority.Create("Directory test CA " + Guid.NewGuid().ToString("N")[..8]);
            var (certificatePem, keyPem) = ca.IssueServer(certificateNames ?? ["127.0.0.1", "localhost"]);
            caPem = ca.CertificatePem;
            await File.WriteAllTextAsync(caFile, caPem);
            await File.WriteAllTextAsync(Path.Combine(directory, "server.pem"), certificatePem);
            await File.WriteAllTextAsync(Path.Combine(directory, "server.key"), keyPem);
            tlsConfig = $"""
                TLSCertificateFile {directory}/server.pem
                TLSCertificateKeyFile {directory}/server.key
                """;
        }

        await File.WriteAllTextAsync(config, $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            pidfile {directory}/slapd.pid
            argsfile {directory}/slapd.args
            {tlsConfig}
            access to attrs=userPassword by anonymous auth by self read by * none
            access to * by * read
            database mdb
            maxsize 104857600
            suffix "{Suffix}"
            rootdn "{AdminDn}"
            rootpw {adminPassword}
            directory {directory}/db
            """);
        var ldif = new StringBuilder($"""
            dn: {Suffix}
            objectClass: dcObject
            objectClass: organization
            o: directory
            dc: directory

            dn: {PeopleDn}
            objectClass: organizationalUnit
            ou: people


            """);
        foreach (var (uid, mail, password, createdAt) in people)
        {
            ldif.Append(CultureInfo.InvariantCulture, $"""
                dn: uid={uid},{PeopleDn}
                objectClass: inetOrgPerson
                uid: {uid}
                cn: {uid}
                sn: {uid}
                mail: {mail}
                userPassword: {password}
                createTimestamp: {createdAt.UtcDateTime:yyyyMMddHHmmss}Z


                """);
        }

        var ldifFile = Path.Combine(directory, "people.ldif");
        await File.WriteAllTextAsync(ldifFile, ldif.ToString());
        using (var slapadd = Process.Start(new ProcessStartInfo("/usr/sbin/slapadd", ["-f", config, "-l", ldifFile]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            var output = await slapadd.StandardError.ReadToEndAsync() + await slapadd.StandardOutput.ReadToEndAsync();
            await slapadd.WaitForExitAsync();
            if (slapadd.ExitCode != 0)
            {
                throw new InvalidOperationException($"slapadd failed ({slapadd.ExitCode}): {output}");
            }
        }

        var urls = tls ? $"ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{ldapsPort}/" : $"ldap://127.0.0.1:{port}/";
        var instance = new SlapdInstance(port, ldapsPort, adminPassword, caPem, caFile, ForegroundDaemon.Start(directory, "/usr/sbin/slapd", "-f", config, "-h", urls, "-d", "0"));
        await instance._daemon.WaitUntilListeningAsync(port);
        if (tls)
        {
            await instance._daemon.WaitUntilListeningAsync(ldapsPort);
        }

        return instance;
    }

    /// <summary>Stops the server, as when a directory is down.</summary>
    public Task StopAsync() => _daemon.StopAsync();

    public ValueTask DisposeAsync() => _daemon.DisposeAsync();
}
