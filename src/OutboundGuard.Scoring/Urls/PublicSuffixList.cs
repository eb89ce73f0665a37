using System.Globalization;
using System.Reflection;

namespace OutboundGuard.Scoring.Urls;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org/list/) with its three kinds of rule: plain ("co.uk"), wildcard
/// ("*.ck") and exception ("!www.ck"), from both the ICANN and the private sections. The data is Debian's
/// <c>publicsuffix</c> package, embedded at build time when the package is installed, else read from
/// <see cref="DebianPath"/> at first use; without either only the default rule ("*": the last label) applies,
/// which <see cref="Source"/> says so that the host can warn.
/// </summary>
public sealed class PublicSuffixList
{
    /// <summary>Where Debian's <c>publicsuffix</c> package installs the list.</summary>
    public const string DebianPath = "/usr/share/publicsuffix/public_suffix_list.dat";

    private const string ResourceName = "OutboundGuard.Scoring.public_suffix_list.dat";

    private static readonly Lazy<PublicSuffixList> Loaded = new(Load);

    private readonly HashSet<string> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wildcards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exceptions = new(StringComparer.Ordinal);

    private PublicSuffixList(string source) => Source = source;

    /// <summary>The list this process uses.</summary>
    public static PublicSuffixList Default => Loaded.Value;

    /// <summary>Where the rules came from, e.g. "embedded (9,741 rules)", or "none: only the default rule".</summary>
    public string Source { get; private set; }

    /// <summary>Number of rules of every kind.</summary>
    public int Count => _rules.Count + _wildcards.Count + _exceptions.Count;

    /// <summary>Parses the list's text format (comments, blank lines, Unicode rules stored in both Unicode and ASCII form).</summary>
    public static PublicSuffixList Parse(TextReader reader, string source)
    {
        var list = new PublicSuffixList(source);
        var idn = new IdnMapping();
        while (reader.ReadLine() is { } line)
        {
            // A rule is the line's first whitespace-free run; everything else is comment.
            string rule = line.Trim().Split(' ', '\t')[0].ToLowerInvariant();
            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var (set, name) = rule switch
            {
                _ when rule.StartsWith('!') => (list._exceptions, rule[1..]),
                _ when rule.StartsWith("*.", StringComparison.Ordinal) => (list._wildcards, rule[2..]),
                _ => (list._rules, rule),
            };
            set.Add(name);
            if (name.Any(c => c > 127))
            {
                set.Add(idn.GetAscii(name));
            }
        }

        list.Source = $"{source} ({list.Count:N0} rules)";
        return list;
    }

    /// <summary>How many trailing labels of <paramref name="labels"/> form its public suffix (at least 1, the default rule).</summary>
    public int SuffixLabels(string[] labels)
    {
        // The longest matching rule prevails; an exception is always longer than the wildcard it overrides, so the
        // first match from the longest candidate down is the prevailing rule.
        for (int i = 0; i < labels.Length; i++)
        {
            string candidate = string.Join('.', labels[i..]);
            if (_exceptions.Contains(candidate))
            {
                return labels.Length - i - 1;
            }

            if (_rules.Contains(candidate) || (i + 1 < labels.Length && _wildcards.Contains(string.Join('.', labels[(i + 1)..]))))
            {
                return labels.Length - i;
            }
        }

        return 1;
    }

    private static PublicSuffixList Load()
    {
        using var embedded = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName);
        if (embedded is not null)
        {
            using var reader = new StreamReader(embedded);
            return Parse(reader, "embedded copy of Debian's publicsuffix data");
        }

        if (File.Exists(DebianPath))
        {
            using var reader = File.OpenText(DebianPath);
            return Parse(reader, DebianPath);
        }

        return new PublicSuffixList("none: only the default rule (install Debian's publicsuffix package)");
    }
}
