namespace OutboundGuard.Testing.Processes;

/// <summary>
/// A private Dovecot (dovecot-core) running only its auth service: its own config and base folder in a temp folder, a
/// passwd-file passdb, the auth-client listener as a unix socket and on a TCP port on 127.0.0.1. No protocols, no
/// system service.
/// </summary>
public sealed class DovecotInstance : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ForegroundDaemon _daemon;

    private DovecotInstance(string directory, int port, ForegroundDaemon daemon)
    {
        _directory = directory;
        Port = port;
        _daemon = daemon;
    }

    /// <summary>The auth-client unix socket, as Postfix's <c>smtpd_sasl_path</c> would name it.</summary>
    public string SocketPath => Path.Combine(_directory, "run", "auth-client");

    /// <summary>The TCP port of the auth-client listener on 127.0.0.1.</summary>
    public int Port { get; }

    private string UsersFile => Path.Combine(_directory, "users");

    public static async Task<DovecotInstance> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "og-dovecot-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(directory, "run"));
        Directory.CreateDirectory(Path.Combine(directory, "state"));
        var port = FreePort.Next();
        await File.WriteAllTextAsync(Path.Combine(directory, "users"), "");
        // auth_failure_delay 0: the relay's own AuthThrottle slows guessing; Dovecot's 2 s default would only slow the tests.
        await File.WriteAllTextAsync(Path.Combine(directory, "dovecot.conf"), $$"""
            base_dir = {{directory}}/run
            state_dir = {{directory}}/state
            log_path = {{directory}}/dovecot.log
            protocols =
            ssl = no
            auth_mechanisms = plain
            auth_failure_delay = 0
            passdb {
              driver = passwd-file
              args = {{directory}}/users
            }
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home=/nonexistent
            }
            service auth {
              unix_listener auth-client {
                mode = 0666
              }
              inet_listener auth-inet {
                address = 127.0.0.1
                port = {{port}}
              }
            }
            """);
        var instance = new DovecotInstance(directory, port, ForegroundDaemon.Start(directory, "/usr/sbin/dovecot", "-F", "-c", Path.Combine(directory, "dovecot.conf")));
        await instance._daemon.WaitUntilListeningAsync(port, () => File.Exists(instance.SocketPath));
        return instance;
    }

    /// <summary>Adds a user to the passdb (Dovecot re-reads the file when it changes).</summary>
    public async Task AddUserAsync(string user, string password)
    {
        await File.AppendAllTextAsync(UsersFile, $"{user}:{{PLAIN}}{password}\n");
        // The file's modification time tells Dovecot to re-read it; make sure it moves even within one second.
        File.SetLastWriteTimeUtc(UsersFile, DateTime.UtcNow.AddSeconds(1 + File.ReadAllLines(UsersFile).Length));
    }

    /// <summary>Stops the server: its sockets are gone, as when a directory is down.</summary>
    public Task StopAsync() => _daemon.StopAsync();

    public ValueTask DisposeAsync() => _daemon.DisposeAsync();
}
