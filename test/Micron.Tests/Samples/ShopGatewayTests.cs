using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Micron.Testing;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Samples;

/// <summary>
/// The Shop through its front door, in the three modes: the monolith, and a gateway that runs no service and forwards
/// every route, WebSocket and asset to the services' hosts. The answers are the same.
/// </summary>
public abstract class ShopGatewayTests(ShopCluster shop)
{
    private readonly HttpClient _gateway = shop.Gateway;
    private readonly MicronTestCluster _cluster = shop.Cluster;

    [Fact]
    public async Task Root_IsComposedWithTheLayout()
    {
        var response = await _gateway.GetAsync("/");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("<h1>Micron Shop</h1>");
        html.ShouldContain("<title>Micron Shop</title>");
        html.ShouldContain("<nav>");
    }

    [Fact]
    public async Task Public_JsonBecomesTheLayoutsModel()
    {
        var html = await _gateway.GetStringAsync("/public");

        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain("<h1>Public</h1>");
        html.ShouldContain("<p>Anyone may read this page.</p>");
    }

    [Fact]
    public async Task Public_AskedAsJson_IsTheServicesJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/public") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/json") } } };
        var response = await _gateway.SendAsync(request);

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"title":"Public","message":"Anyone may read this page."}""");
    }

    [Fact]
    public async Task Public_AskedByXhr_IsJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/public") { Headers = { { "X-Requested-With", "XMLHttpRequest" } } };

        (await (await _gateway.SendAsync(request)).Content.ReadAsStringAsync()).ShouldStartWith("{");
    }

    [Fact]
    public async Task Public_AcceptingNeitherHtmlNorJson_Is406()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/public") { Headers = { Accept = { new MediaTypeWithQualityHeaderValue("image/png") } } };
        var response = await _gateway.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.NotAcceptable);
        var problem = await Problem.ReadAsync(response);
        problem.Code.ShouldBe("not_acceptable");
        problem.Detail.ShouldBe("Not Acceptable.");
    }

    [Fact]
    public async Task Private_Anonymous_RedirectsToLogin()
    {
        var response = await _gateway.GetAsync("/home/private");

        response.StatusCode.ShouldBe(HttpStatusCode.Found);
        response.Headers.Location!.ToString().ShouldBe("/account/login");
    }

    [Fact]
    public async Task Login_ThenPrivate_GreetsTheUser_AndLogoutEndsTheSession()
    {
        (await _gateway.GetStringAsync("/account/login")).ShouldContain("<form method=\"post\" action=\"/account/login\">");
        var login = await _gateway.PostAsync("/account/login", Form("micromono", "123456"));
        login.StatusCode.ShouldBe(HttpStatusCode.Found);
        login.Headers.Location!.ToString().ShouldBe("/home/private");
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var page = new HttpRequestMessage(HttpMethod.Get, "/home/private") { Headers = { { "Cookie", cookie } } };
        var response = await _gateway.SendAsync(page);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Hello, micromono!");
        html.ShouldContain("<nav>");

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/account/logout") { Headers = { { "Cookie", cookie } } };
        (await _gateway.SendAsync(logout)).StatusCode.ShouldBe(HttpStatusCode.Found);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/home/private") { Headers = { { "Cookie", cookie } } };
        (await _gateway.SendAsync(again)).Headers.Location!.ToString().ShouldBe("/account/login");
    }

    [Fact]
    public async Task Login_WrongPassword_Is401WithTheForm()
    {
        var response = await _gateway.PostAsync("/account/login", Form("micromono", "nope"));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Wrong username or password.");
    }

    [Fact]
    public async Task ServiceRoutes_AnswerAsFromTheServicesHost()
    {
        (await _gateway.GetStringAsync("/hello/gateway")).ShouldBe("Hello, gateway");
        (await _gateway.GetStringAsync("/profile/1")).ShouldBe("""{"user":{"id":1,"username":"micromono"},"score":9}""");
        var missing = await _gateway.GetAsync("/whois/99");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Problem.ReadAsync(missing)).Detail.ShouldBe("No user with id 99");
    }

    [Fact]
    public async Task UnknownRoute_Is404()
        => (await _gateway.GetAsync("/no/such/route")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

    [Fact]
    public async Task Assets_AreServed_AndTraversalIsNotFound()
    {
        var css = await _gateway.GetAsync("/home/assets/shop.css");
        css.StatusCode.ShouldBe(HttpStatusCode.OK);
        css.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
        (await css.Content.ReadAsStringAsync()).ShouldContain("font-family");

        foreach (var path in new[] { "/home/assets/../Shop.dll", "/home/assets/..%2FShop.dll", "/home/assets/%2e%2e/%2e%2e/etc/passwd", "/home/assets/..%5CShop.dll" })
        {
            var status = await RawStatusAsync(_cluster.GatewayUrl, path);
            status.ShouldBeOneOf([404, 400], path);
        }
    }

    [Fact]
    public async Task Chat_EchoesToTheSender_AndBroadcastsToOthers()
    {
        using var alice = await ConnectAsync("/chat/socket");
        using var bob = await ConnectAsync("/chat/socket");
        await Eventually.TrueAsync(
            async () =>
            {
                await SendAsync(alice, "ping");
                return await ReceiveAsync(alice) == "ping";
            },
            "alice's socket echoing");

        await SendAsync(alice, "hello bob");
        await Eventually.TrueAsync(async () => await ReceiveAsync(bob) == "hello bob", "bob receiving alice's message");
        (await ReceiveAsync(alice)).ShouldBe("hello bob");
        (await _gateway.GetStringAsync("/chat")).ShouldContain("<h1>Chat</h1>");
    }

    [Fact]
    public async Task WebSocket_ToAnUnknownPath_Is404()
    {
        using var socket = new ClientWebSocket();
        var failure = await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUri("/no/socket"), CancellationToken.None));
        failure.Message.ShouldContain("404");
    }

    [Fact]
    public void Endpoints_ListEveryServicesRoutes_WithTheirPatterns()
    {
        var endpoints = _cluster.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        foreach (var (service, pattern) in new[] { ("home", "/home/private"), ("account", "/account/login"), ("chat", "/chat/socket") })
        {
            endpoints.ShouldContain(
                e => e.RoutePattern.RawText == pattern && e.Metadata.GetMetadata<Micron.Services.ServiceEndpointMetadata>()!.Service == service,
                $"{service} {pattern}");
        }
    }

    internal static FormUrlEncodedContent Form(string username, string password)
        => new([new("username", username), new("password", password)]);

    internal static async Task<int> RawStatusAsync(Uri host, string target)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(host.Host, host.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var line = await reader.ReadLineAsync() ?? string.Empty;
        return int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private Uri WebSocketUri(string path) => new($"ws://{_cluster.GatewayUrl.Authority}{path}");

    private async Task<ClientWebSocket> ConnectAsync(string path)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(WebSocketUri(path), timeout.Token);
        return socket;
    }

    private static Task SendAsync(WebSocket socket, string text)
        => socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task<string> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}

public sealed class ShopGatewayLocalTests(LocalShop shop) : ShopGatewayTests(shop), IClassFixture<LocalShop>;

public sealed class ShopGatewayRemoteInProcessTests(RemoteInProcessShop shop) : ShopGatewayTests(shop), IClassFixture<RemoteInProcessShop>;

public sealed class ShopGatewayMultiProcessTests(MultiProcessShop shop) : ShopGatewayTests(shop), IClassFixture<MultiProcessShop>;
