using System.Security.Cryptography;
using System.Text.Json;
using OutboundGuard.Storage.Accounts;

namespace OutboundGuard.Hosting;

/// <summary>
/// The development default's demo account: created on the first run with a random password kept in
/// DATA/demo-account.json (readable by the owner only), printed at every start so a newcomer can send
/// a first message at once.
/// </summary>
internal static class DemoAccount
{
    public const string Address = "demo@demo.example";
    public const string Tenant = "demo.example";

    public sealed record Credentials(string Address, string Password);

    public static async Task<Credentials> EnsureAsync(AccountRepository accounts, string dataDirectory, CancellationToken cancellationToken)
    {
        var file = Path.Combine(dataDirectory, "demo-account.json");
        if (File.Exists(file) && await accounts.FindAsync(Address, cancellationToken) is not null)
        {
            var stored = JsonSerializer.Deserialize<Credentials>(await File.ReadAllTextAsync(file, cancellationToken));
            if (stored is not null)
            {
                return stored;
            }
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        var existing = await accounts.FindAsync(Address, cancellationToken);
        if (existing is null)
        {
            await accounts.AddAsync(Address, Tenant, password, "serve:demo", cancellationToken);
        }
        else
        {
            await accounts.SetPasswordAsync(existing.Id, password, "serve:demo", "demo credentials file was missing", cancellationToken);
        }

        var credentials = new Credentials(Address, password);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(credentials), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return credentials;
    }
}
