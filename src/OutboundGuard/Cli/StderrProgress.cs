namespace OutboundGuard.Cli;

/// <summary>
/// A progress line on stderr for a long CLI run (imports, learning): a bar redrawn in place on a terminal, one
/// line per <paramref name="every"/> items when stderr is a file or a pipe.
/// </summary>
/// <param name="total">Items in all.</param>
/// <param name="unit">What is counted, in the plural ("accounts", "lines").</param>
/// <param name="every">Items between printed lines when stderr is no terminal.</param>
internal sealed class StderrProgress(long total, string unit, long every) : IProgress<int>, IProgress<long>
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private long _lastPrinted;

    public void Report(int value) => Report((long)value);

    public void Report(long value)
    {
        if (_terminal)
        {
            const int width = 30;
            var filled = (int)(width * Math.Min(value, total) / Math.Max(1, total));
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {value}/{total} {unit}");
        }
        else if (value - _lastPrinted >= every || value == total)
        {
            _lastPrinted = value;
            Console.Error.WriteLine($"{value} of {total} {unit} done");
        }
    }

    public void Done()
    {
        if (_terminal)
        {
            Console.Error.WriteLine();
        }
    }
}
