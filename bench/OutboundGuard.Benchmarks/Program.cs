using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/OutboundGuard.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(OutboundGuard.Benchmarks.Messages).Assembly).Run(args);
