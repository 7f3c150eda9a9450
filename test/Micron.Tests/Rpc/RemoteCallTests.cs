using System.Net;
using System.Text;
using Micron.Discovery;
using Micron.Http;
using Micron.Rpc;
using Micron.Security;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Rpc;

/// <summary>
/// Two real hosts on loopback with the same secret: one runs <c>calc</c>, the other runs <c>client</c>, whose
/// <see cref="ICalc"/> is a remote proxy found by local discovery.
/// </summary>
public class RemoteCallTests : IAsyncLifetime
{
    private readonly string _secret = TestHost.NewSecret();
    private TestHost _calc = null!;
    private TestHost _client = null!;

    [MicronContract("calc")]
    public interface ICalc
    {
        Task<int> Add(int a, int b, CancellationToken cancellationToken = default);

        Task<byte[]> Echo(byte[] data, CancellationToken cancellationToken = default);

        ValueTask<Point?> Find(string name, CancellationToken cancellationToken = default);

        Task Fail(int status, string message, CancellationToken cancellationToken = default);

        Task Crash(CancellationToken cancellationToken = default);

        Task<string> Slow(int milliseconds, CancellationToken cancellationToken = default);

        [Idempotent]
        ValueTask<int> Calls(CancellationToken cancellationToken = default);
    }

    public sealed record Point(string Name, int X, int Y);

    public sealed class CalcService : MicronService, ICalc
    {
        private int _calls;

        public Task<int> Add(int a, int b, CancellationToken cancellationToken = default) => Task.FromResult(a + b);

        public Task<byte[]> Echo(byte[] data, CancellationToken cancellationToken = default) => Task.FromResult(data);

        public ValueTask<Point?> Find(string name, CancellationToken cancellationToken = default)
            => new(name == "origin" ? new Point(name, 0, 0) : null);

        public Task Fail(int status, string message, CancellationToken cancellationToken = default) => throw new HttpError(status, message, "calc_failed");

        public Task Crash(CancellationToken cancellationToken = default) => throw new InvalidOperationException("secret detail");

        public async Task<string> Slow(int milliseconds, CancellationToken cancellationToken = default)
        {
            await Task.Delay(milliseconds, cancellationToken);
            return "done";
        }

        public ValueTask<int> Calls(CancellationToken cancellationToken = default) => new(Interlocked.Increment(ref _calls));
    }

    /// <summary>Takes the contract, so its host waits for <c>calc</c> at start; its route uses the proxy.</summary>
    public sealed class ClientService(ICalc calc) : MicronService
    {
        protected override void Map(IServiceRoutes routes)
            => routes.MapGet("/sum/{a}/{b}", async (int a, int b, CancellationToken ct) => await calc.Add(a, b, ct));
    }

    public async Task InitializeAsync()
    {
        _calc = await StartAsync("calc");
        _client = await StartAsync("client");
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _calc.DisposeAsync();
    }

    private ICalc Remote => _client.App.Services.GetRequiredService<ICalc>();

    [Fact]
    public void Contract_OnTheHostWithoutTheService_IsAProxy()
    {
        Remote.ShouldNotBeOfType<CalcService>();
        _calc.App.Services.GetRequiredService<ICalc>().ShouldBeOfType<CalcService>();
    }

    [Fact]
    public async Task Call_ArgumentsByName_ResultBack()
        => (await Remote.Add(2, 3)).ShouldBe(5);

    [Fact]
    public async Task Call_FromARoute_GoesThroughTheProxy()
        => (await _client.Client.GetStringAsync("/sum/20/22")).ShouldBe("42");

    [Fact]
    public async Task Call_BytesArriveIntact()
    {
        var data = new byte[70_000];
        new Random(7).NextBytes(data);

        (await Remote.Echo(data)).ShouldBe(data);
    }

    [Fact]
    public async Task Call_RecordsAndNullsRoundTrip()
    {
        (await Remote.Find("origin")).ShouldBe(new Point("origin", 0, 0));
        (await Remote.Find("nowhere")).ShouldBeNull();
    }

    [Fact]
    public async Task RemoteHttpError_ArrivesWithStatusCodeAndMessage()
    {
        var error = await Should.ThrowAsync<RemoteServiceException>(() => Remote.Fail(409, "already there"));

        error.StatusCode.ShouldBe(409);
        error.Code.ShouldBe("calc_failed");
        error.Message.ShouldBe("calc.Fail: already there");
    }

    [Fact]
    public async Task RemoteCrash_Is500WithoutItsDetails()
    {
        var error = await Should.ThrowAsync<RemoteServiceException>(() => Remote.Crash());

        error.StatusCode.ShouldBe(500);
        error.Code.ShouldBe("internal_error");
        error.Message.ShouldNotContain("secret detail");
    }

    [Fact]
    public async Task DeadInstance_IdempotentCallsAreRetriedElsewhere_OthersFailFast()
    {
        var registry = _client.App.Services.GetRequiredService<ServiceRegistry>();
        var dead = new Announcement { Service = "calc", Version = "1", Instance = "dead-" + Guid.NewGuid().ToString("N")[..8], Url = $"http://127.0.0.1:{Ports.Free()}", Ttl = 60_000 };

        registry.Apply(dead);
        for (var i = 0; i < 4; i++)
        {
            (await Remote.Calls()).ShouldBeGreaterThan(0);
        }

        registry.InstancesOf("calc").ShouldNotContain(i => i.Id == dead.Instance);

        registry.Apply(dead).ShouldNotBeNull(); // its stale announcement does not bring it back
        registry.Apply(dead with { Instance = dead.Instance + "b" }).ShouldBeNull();
        var failures = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                await Remote.Add(1, 1);
            }
            catch (RemoteServiceException ex) when (ex.Code == "instance_unreachable")
            {
                failures++;
            }
        }

        failures.ShouldBe(1);
    }

    [Fact]
    public async Task PeerWithAnotherSecret_Is401()
    {
        await using var stranger = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<CalcService>(), "--services", "calc", "--discovery", "none");
        await using var client = await IsolatedClientAsync(stranger.BaseAddress);

        var error = await Should.ThrowAsync<RemoteServiceException>(() => client.App.Services.GetRequiredService<ICalc>().Add(1, 2));

        error.StatusCode.ShouldBe(401);
        error.Code.ShouldBe("signature_invalid");
        error.Message.ShouldBe($"calc.Add: 401 from {stranger.BaseAddress.ToString().TrimEnd('/')}: wrong secret");
    }

    [Fact]
    public async Task PeerAnsweringGarbage_Is502InvalidResponse()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        await using var garbage = builder.Build();
        garbage.Run(context => context.Response.WriteAsync("<html>not json</html>"));
        await garbage.StartAsync();
        await using var client = await IsolatedClientAsync(new Uri(garbage.Urls.First()));

        var error = await Should.ThrowAsync<RemoteServiceException>(() => client.App.Services.GetRequiredService<ICalc>().Add(1, 2));

        error.StatusCode.ShouldBe(502);
        error.Code.ShouldBe("invalid_response");
    }

    [Fact]
    public async Task PeerThatNeverAnswers_IsATimeout_NotAHang()
    {
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var client = await IsolatedClientAsync(new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}"), "--Micron:CallTimeout=00:00:00.500");

        await Should.ThrowAsync<TimeoutException>(() => client.App.Services.GetRequiredService<ICalc>().Add(1, 2));
    }

    [Fact]
    public async Task PeerThatDiesMidCall_Is503InstanceUnreachable_AndIsDropped()
    {
        using var dying = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        dying.Start();
        await using var client = await IsolatedClientAsync(new Uri($"http://127.0.0.1:{((IPEndPoint)dying.LocalEndpoint).Port}"));
        var call = client.App.Services.GetRequiredService<ICalc>().Add(1, 2);

        // The peer takes the request, then its process dies: the connection is reset with no answer.
        using (var accepted = await dying.AcceptSocketAsync())
        {
            var buffer = new byte[4096];
            _ = await accepted.ReceiveAsync(buffer);
            accepted.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }

        var error = await Should.ThrowAsync<RemoteServiceException>(() => call);
        error.StatusCode.ShouldBe(503);
        error.Code.ShouldBe("instance_unreachable");
        client.App.Services.GetRequiredService<ServiceRegistry>().InstancesOf("calc").ShouldBeEmpty();
    }

    /// <summary>A host that runs nothing, discovers nothing, and knows one instance of calc: at <paramref name="url"/>.</summary>
    private async Task<TestHost> IsolatedClientAsync(Uri url, params string[] args)
    {
        var host = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<CalcService>(), ["--secret", _secret, "--services", "none", "--discovery", "none", .. args]);
        host.App.Services.GetRequiredService<ServiceRegistry>()
            .Apply(new Announcement { Service = "calc", Version = "1", Instance = "only", Url = url.ToString().TrimEnd('/'), Ttl = 60_000 }).ShouldBeNull();
        return host;
    }

    [Fact]
    public async Task Deadline_ReachesTheCallerAsTimeout_AndCancelsTheCallee()
    {
        await using var impatient = await StartAsync("client", "--Micron:CallTimeout=00:00:00.300");
        var calc = impatient.App.Services.GetRequiredService<ICalc>();

        await Should.ThrowAsync<TimeoutException>(() => calc.Slow(10_000));
    }

    [Fact]
    public async Task Cancellation_ByTheCaller_IsHonoured()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Should.ThrowAsync<OperationCanceledException>(() => Remote.Slow(10_000, cancel.Token));
    }

    [Fact]
    public async Task NoInstance_Is503ServiceUnavailable_AtOnce()
    {
        await using var alone = await TestHost.StartAsync(b => b.Services.AddMicron().AddService<CalcService>(), "--services", "none");
        var calc = alone.App.Services.GetRequiredService<ICalc>();

        var error = await Should.ThrowAsync<RemoteServiceException>(() => calc.Add(1, 1));

        error.StatusCode.ShouldBe(503);
        error.Code.ShouldBe("service_unavailable");
    }

    [Fact]
    public async Task RequiredServiceMissing_StopsTheStartAfterTheDiscoveryTimeout()
    {
        var error = await Should.ThrowAsync<Micron.Hosting.MicronStartupException>(() => TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<CalcService>().AddService<ClientService>(),
            "--services", "client", "--discovery-timeout", "300ms"));

        error.Message.ShouldBe("service 'calc' not found after 300 ms");
    }

    [Theory]
    [InlineData("Add", """{"args":{"a":1,"b":"two"}}""", 400, "invalid_arguments")]
    [InlineData("Add", """{"args":{"a":1}}""", 400, "invalid_arguments")]
    [InlineData("Add", """{"args":{"a":1,"b":2,"c":3}}""", 400, "invalid_arguments")]
    [InlineData("Add", """{"arguments":{}}""", 400, "invalid_envelope")]
    [InlineData("Add", """[1,2]""", 400, "invalid_envelope")]
    [InlineData("Add", """{"args":""", 400, "invalid_envelope")]
    [InlineData("Divide", """{"args":{}}""", 404, "method_not_found")]
    public async Task BadEnvelopes_AreClearErrors(string method, string body, int status, string code)
    {
        var response = await PostSignedAsync($"/_micron/rpc/calc/{method}", body);

        ((int)response.StatusCode).ShouldBe(status);
        (await Problem.ReadAsync(response)).Code.ShouldBe(code);
    }

    [Fact]
    public async Task UnknownService_Is404()
        => (await Problem.ReadAsync(await PostSignedAsync("/_micron/rpc/nobody/Add", "{\"args\":{}}"))).Code.ShouldBe("service_not_found");

    [Fact]
    public async Task OversizedEnvelope_Is413()
    {
        await using var small = await StartAsync("calc", "--Micron:MaxMessageSize=1kb");

        var response = await PostSignedAsync("/_micron/rpc/calc/Echo", $"{{\"args\":{{\"data\":\"{new string('A', 4000)}\"}}}}", small);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Services_ListsTheRemoteInstance()
    {
        var body = string.Empty;
        await Eventually.TrueAsync(
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/_micron/services");
                request.Headers.Authorization = new("Bearer", _secret);
                body = await (await _client.Client.SendAsync(request)).Content.ReadAsStringAsync();
                return body.Contains("\"service\":\"calc\"", StringComparison.Ordinal);
            },
            "calc listed by the client host");

        body.ShouldContain("\"service\":\"client\"");
        body.ShouldContain("\"local\":true");
    }

    [Fact]
    public async Task Ready_IsOkWhenRequiredServicesHaveInstances()
        => (await _client.Client.GetStringAsync("/_micron/health/ready")).ShouldBe("ok");


    private Task<TestHost> StartAsync(string services, params string[] args)
        => TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<CalcService>().AddService<ClientService>(),
            ["--secret", _secret, "--services", services, "--heartbeat", "500ms", .. args]);

    private async Task<HttpResponseMessage> PostSignedAsync(string path, string body, TestHost? host = null)
    {
        host ??= _calc;
        var bytes = Encoding.UTF8.GetBytes(body);
        var key = new MicronKey(_secret);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Headers.TryAddWithoutValidation(MicronSignature.HeaderName, MicronSignature.Create(key, "POST", host.BaseAddress.Authority, path, bytes, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        return await host.Client.SendAsync(request);
    }
}
