using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OutboundGuard.Testing.Logging;

/// <summary>Collects every log line (all levels) so tests can check what a host logged: a transcript, redaction, warnings.</summary>
public sealed class TestLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public string AllText => string.Join("\n", Entries.Select(e => e.Message));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
