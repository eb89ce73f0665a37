using OutboundGuard.Bench;

// og-bench: the in-process side of bench/run.sh. Every verb is bounded in count and time.
//   null-relay  --smtp 127.0.0.1:PORT                 OutboundGuard's SMTP server with a handler that discards everything
//   latency     --port P --count N --concurrency C --size BYTES --from ADDR [--out FILE]
//                                                     sends N messages over C sessions kept open, times end-of-DATA to the 250 of each
//   submit      --port P --count N --concurrency C --size BYTES [--tls [--no-tls-resume]] [--users A,B --password PW] [--per-session M]
//                                                     authenticated submission (new session per message when M is 1); prints JSON
//   idle        --port P --sessions N --hold SECONDS  opens N sessions (greeting + EHLO) and holds them
//   sample      --corpus DIR --out DIR --every K --phishing N
//                                                     picks a corpus sample, generates phishing notifications, writes a model trained on the rest
//   score       --sample DIR --threads T [--repeat R] [--no-model]
//                                                     runs the scoring pipeline over the sample; prints JSON
//   stages      --sample DIR [--passes P]             CPU and allocation per message of each scoring stage on one thread; prints JSON
var verb = args.Length > 0 ? args[0] : "help";
var options = Arguments.Parse(args.Skip(1));
try
{
    return verb switch
    {
        "null-relay" => await NullRelay.RunAsync(options),
        "latency" => await SubmissionClient.RunAsync(options, sessionsReused: true),
        "submit" => await SubmissionClient.RunAsync(options, sessionsReused: false),
        "idle" => await IdleSessions.RunAsync(options),
        "sample" => CorpusSample.Run(options),
        "score" => CorpusScoring.Run(options),
        "stages" => StageProfile.Run(options),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"og-bench {verb}: {e.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: og-bench null-relay|latency|submit|idle|sample|score --key value ...");
    return 2;
}
