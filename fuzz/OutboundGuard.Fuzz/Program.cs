using OutboundGuard.Fuzz.Targets;
using SharpFuzz;

namespace OutboundGuard.Fuzz;

/// <summary>
/// AFL++ entry point (SharpFuzz out-of-process mode): <c>OutboundGuard.Fuzz command|data</c> reads one input
/// per run from standard input and runs the chosen target. <c>OutboundGuard.Fuzz replay DIR</c> runs every file
/// in DIR through both targets without a fuzzer and exits non-zero on the first failure.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var target = args.Length > 0 ? args[0] : "command";
        switch (target)
        {
            case "command":
                Fuzzer.OutOfProcess.Run(stream => SmtpInputTargets.CommandLines(ReadAll(stream)));
                return 0;
            case "data":
                Fuzzer.OutOfProcess.Run(stream => SmtpInputTargets.DataContent(ReadAll(stream)));
                return 0;
            case "replay" when args.Length > 1:
                foreach (var file in Directory.EnumerateFiles(args[1], "*", SearchOption.AllDirectories))
                {
                    var input = File.ReadAllBytes(file);
                    SmtpInputTargets.CommandLines(input);
                    SmtpInputTargets.DataContent(input);
                }

                return 0;
            default:
                Console.Error.WriteLine("usage: OutboundGuard.Fuzz command|data | replay DIR");
                return 2;
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
