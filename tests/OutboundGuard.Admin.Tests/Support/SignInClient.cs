using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace OutboundGuard.Admin.Tests.Support;

/// <summary>
/// A browser-like HTTP client of the sign-in page from a chosen loopback source address (127.0.0.1, 127.0.0.2…),
/// with its own cookies: it fetches the form's antiforgery token and posts name and password.
/// </summary>
public sealed partial class SignInClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly CookieContainer _cookies = new();
    private readonly Uri _baseAddress;

    public SignInClient(Uri baseAddress, IPAddress source)
    {
        _baseAddress = baseAddress;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = _cookies,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress };
    }

    /// <summary>Posts the sign-in form and returns the reply (302 when signed in).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string name, string password)
    {
        var page = await _http.GetStringAsync("/login");
        var token = TokenField().Match(page).Groups[1].Value;
        return await _http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__og_af"] = WebUtility.HtmlDecode(token), ["name"] = name, ["password"] = password, ["returnUrl"] = "/",
        }));
    }

    /// <summary>Fetches <paramref name="page"/> for its form's antiforgery token and posts <paramref name="fields"/> to <paramref name="action"/>, as the page's form would.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, IReadOnlyDictionary<string, string> fields)
    {
        var html = await _http.GetStringAsync(page);
        var token = TokenField().Match(html).Groups[1].Value;
        return await _http.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__og_af"] = WebUtility.HtmlDecode(token) }));
    }

    /// <summary>Reads a page with this client's cookies (signed in after <see cref="SignInAsync"/>).</summary>
    public Task<string> GetStringAsync(string path) => _http.GetStringAsync(path);

    /// <summary>Requests a page with this client's cookies and returns the reply as it is (a redirect is not followed).</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    /// <summary>The value of this client's cookie <paramref name="name"/> (e.g. the sign-in cookie "og.session"), or null.</summary>
    public string? Cookie(string name) => _cookies.GetCookies(_baseAddress)[name]?.Value;

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__og_af\" value=\"([^\"]*)\"")]
    private static partial Regex TokenField();
}
