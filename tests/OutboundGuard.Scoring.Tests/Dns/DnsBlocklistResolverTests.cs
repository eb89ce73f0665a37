using System.Net;
using System.Reflection;
using DnsClient;
using DnsClient.Protocol;
using OutboundGuard.Scoring.Dns;

namespace OutboundGuard.Scoring.Tests.Dns;

public class DnsBlocklistResolverTests
{
    private static readonly DnsBlocklistOptions Options = new() { DomainZones = ["dbl.test"], IpZones = ["zen.test"] };

    [Fact]
    public async Task A_domain_answered_in_127_slash_8_is_listed_and_the_answer_is_cached()
    {
        var clock = TestData.Clock();
        var dns = FakeDns.Create(new Dictionary<string, string> { ["bad.example.dbl.test"] = "127.0.1.2" });
        var resolver = new DnsBlocklistResolver(Options, clock, dns);

        var listed = await resolver.LookupAsync(["bad.example", "good.example"], CancellationToken.None);
        Assert.Equal(new Dictionary<string, string> { ["bad.example"] = "dbl.test" }, listed);
        Assert.Equal(["bad.example.dbl.test", "good.example.dbl.test"], FakeDns.Queries(dns).Order(StringComparer.Ordinal));

        await resolver.LookupAsync(["bad.example"], CancellationToken.None);
        Assert.Equal(2, FakeDns.Queries(dns).Count);
        Assert.Equal("dbl.test", resolver.LookupCached(["bad.example"])["bad.example"]);

        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Empty(resolver.LookupCached(["bad.example"]));
    }

    [Fact]
    public async Task IP_literals_are_asked_with_reversed_octets_and_error_answers_do_not_list()
    {
        var dns = FakeDns.Create(new Dictionary<string, string> { ["9.113.0.203.zen.test"] = "127.0.0.2", ["1.0.0.10.zen.test"] = "127.255.255.254" });
        var resolver = new DnsBlocklistResolver(Options, TestData.Clock(), dns);
        var listed = await resolver.LookupAsync(["203.0.113.9", "10.0.0.1"], CancellationToken.None);
        Assert.Equal(["203.0.113.9"], listed.Keys);
    }

    [Fact]
    public async Task A_lookup_that_does_not_answer_in_time_counts_as_not_listed()
    {
        var clock = TestData.Clock();
        var dns = FakeDns.Create([], hang: true);
        var resolver = new DnsBlocklistResolver(Options, clock, dns);
        ValueTask<IReadOnlyDictionary<string, string>> pending = resolver.LookupAsync(["slow.example"], CancellationToken.None);
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await pending);
    }

    /// <summary>A scripted ILookupClient: answers A queries from a table, or never answers.</summary>
    public class FakeDns : DispatchProxy
    {
        private Dictionary<string, string> _answers = [];
        private bool _hang;
        private readonly List<string> _queries = [];

        public static ILookupClient Create(Dictionary<string, string> answers, bool hang = false)
        {
            ILookupClient client = Create<ILookupClient, FakeDns>();
            var fake = (FakeDns)(object)client;
            fake._answers = answers;
            fake._hang = hang;
            return client;
        }

        public static List<string> Queries(ILookupClient client) => ((FakeDns)(object)client)._queries;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(ILookupClient.QueryAsync) || args is null || args[0] is not string name)
            {
                throw new NotSupportedException(targetMethod?.Name);
            }

            var token = (CancellationToken)args[^1]!;
            lock (_queries)
            {
                _queries.Add(name);
            }

            if (_hang)
            {
                var tcs = new TaskCompletionSource<IDnsQueryResponse>();
                token.Register(() => tcs.TrySetCanceled(token));
                return tcs.Task;
            }

            var records = new List<DnsResourceRecord>();
            if (_answers.TryGetValue(name, out string? ip))
            {
                records.Add(new ARecord(new ResourceRecordInfo(name, ResourceRecordType.A, QueryClass.IN, 300, 4), IPAddress.Parse(ip)));
            }

            return Task.FromResult(FakeResponse.Create(records));
        }
    }

    public class FakeResponse : DispatchProxy
    {
        private IReadOnlyList<DnsResourceRecord> _answers = [];

        public static IDnsQueryResponse Create(IReadOnlyList<DnsResourceRecord> answers)
        {
            IDnsQueryResponse r = Create<IDnsQueryResponse, FakeResponse>();
            ((FakeResponse)(object)r)._answers = answers;
            return r;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_Answers" => _answers,
            "get_HasError" => false,
            _ => throw new NotSupportedException(targetMethod?.Name),
        };
    }
}
