using System.Text.Json;

namespace OutboundGuard.Bench;

/// <summary>
/// Opens --sessions SMTP sessions (greeting read, EHLO answered), at most 200 connecting at a time, holds them all
/// for --hold seconds (the caller samples the server's memory meanwhile), then closes them. Prints JSON.
/// </summary>
internal static class IdleSessions
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var port = args.GetInt("port", 0);
        var sessions = args.GetInt("sessions", 5000);
        var hold = args.GetInt("hold", 10);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(args.GetInt("seconds", 240)));
        using var gate = new SemaphoreSlim(200);
        var clients = new SmtpLineClient?[sessions];
        var failures = 0;
        var started = DateTime.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async i =>
        {
            await gate.WaitAsync(deadline.Token);
            try
            {
                var client = await SmtpLineClient.ConnectAsync(port, null, deadline.Token);
                clients[i] = client;
                if (await client.ReadReplyAsync(deadline.Token) != 220)
                {
                    throw new IOException("no 220 greeting");
                }

                await client.WriteLineAsync("EHLO idle.bench", deadline.Token);
                if (await client.ReadReplyAsync(deadline.Token) != 250)
                {
                    throw new IOException("EHLO refused");
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                Interlocked.Increment(ref failures);
            }
            finally
            {
                gate.Release();
            }
        }));
        var open = sessions - failures;
        var connectSeconds = (DateTime.UtcNow - started).TotalSeconds;
        Console.WriteLine($"HOLDING {open}");
        await Task.Delay(TimeSpan.FromSeconds(hold));
        foreach (var client in clients)
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(new { sessions, open, failures, connect_seconds = connectSeconds }));
        return open == sessions ? 0 : 1;
    }
}
