using System.Text.Json;
using Micron.Discovery;
using Micron.Hosting;
using Micron.Services;
using Micron.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Gateway;

/// <summary>What the backend saw of requests that went away.</summary>
public sealed class BackendProbe
{
    private int _uploadAborted;
    private int _downloadAborted;

    public bool UploadAborted => Volatile.Read(ref _uploadAborted) > 0;

    public bool DownloadAborted => Volatile.Read(ref _downloadAborted) > 0;

    public void OnUploadAborted() => Interlocked.Increment(ref _uploadAborted);

    public void OnDownloadAborted() => Interlocked.Increment(ref _downloadAborted);
}

/// <summary>A service with the routes the forwarding tests need: echoes, big bodies both ways, a slow route.</summary>
[MicronService("backend")]
public sealed class BackendService(BackendProbe probe) : MicronService
{
    protected override void Map(IServiceRoutes routes)
    {
        routes.MapGet("/get", () => "got");
        routes.MapPost("/post", () => "posted");
        routes.MapGet("/fail", () => Results.StatusCode(500));
        routes.MapPost("/echo/body", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            return await reader.ReadToEndAsync(context.RequestAborted);
        });
        routes.MapGet("/echo/headers", (HttpContext context) => context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
        routes.MapGet("/slow", async (CancellationToken ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        });
        routes.MapPost("/upload", async (HttpContext context) =>
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            try
            {
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    total += read;
                }
            }
            catch (Exception)
            {
                probe.OnUploadAborted();
                throw;
            }

            return total;
        });
        routes.MapGet("/download/{megabytes:int}", async (HttpContext context, int megabytes) =>
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            context.Response.ContentType = "application/octet-stream";
            if (megabytes > 0)
            {
                context.Response.ContentLength = megabytes * 1024L * 1024;
            }

            try
            {
                for (var i = 0; megabytes == 0 || i < megabytes * 16; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception)
            {
                probe.OnDownloadAborted();
                throw;
            }
        });
    }
}

/// <summary>
/// A backend host and a gateway host (no service of its own) on loopback, with small limits.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    public BackendProbe Probe { get; } = new();

    public TestHost Backend { get; private set; } = null!;

    public TestHost Gateway { get; private set; } = null!;

    public ServiceRegistry Registry => Gateway.App.Services.GetRequiredService<ServiceRegistry>();

    public async Task InitializeAsync()
    {
        var secret = TestHost.NewSecret();
        string[] common =
        [
            "--secret", secret, "--heartbeat", "1s",
            "--Micron:Gateway:UpstreamTimeout=00:00:01", "--Micron:Gateway:MaxRequestBodySize=8mb",
            "--Micron:Gateway:MaxRequestHeadersSize=8kb", "--Micron:Gateway:RequestHeadersTimeout=00:00:02",
        ];
        Backend = await TestHost.StartAsync(Configure, ["--services", "backend", .. common]);
        Gateway = await TestHost.StartAsync(Configure, ["--services", "none", .. common]);
        await Eventually.TrueAsync(async () => (await Gateway.Client.GetAsync("/get")).IsSuccessStatusCode, "the gateway forwarding /get", TimeSpan.FromSeconds(30));

        // A request with a body too: its first one compiles more of Kestrel and the forwarder, which on a busy machine
        // can take longer than the 1 s upstream timeout.
        await Eventually.TrueAsync(
            async () => (await Gateway.Client.PostAsync("/post", new StringContent("warm"))).IsSuccessStatusCode, "the gateway forwarding POST /post", TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }

    /// <summary>Announces an instance to the gateway alone: at a dead port unless <paramref name="url"/> says where.</summary>
    public string Announce(string service, string? url = null, bool leave = false, params string[] routes)
    {
        var announcement = new Announcement
        {
            Service = service,
            Version = "1.0.0",
            Instance = leave ? Registry.InstancesOf(service).Single().Id : Guid.NewGuid().ToString("N"),
            Url = url ?? (leave ? Registry.InstancesOf(service).Single().Announcement.Url : $"http://127.0.0.1:{Ports.Free()}"),
            Ttl = 600_000,
            Routes = [.. routes.Select(r => new AnnouncedRoute(r.Split(' ')[0], r.Split(' ')[1], []))],
        };
        Registry.Apply(leave ? announcement with { Leave = true } : announcement).ShouldBeNull();
        return announcement.Instance;
    }

    /// <summary>Waits until the gateway has an endpoint for <paramref name="method"/> <paramref name="path"/>.</summary>
    public async Task WaitForEndpointAsync(string path, string method = "GET")
    {
        var endpoints = Gateway.App.Services.GetRequiredService<EndpointDataSource>();
        await Eventually.TrueAsync(
            () => endpoints.Endpoints.OfType<RouteEndpoint>().Any(e => e.RoutePattern.RawText == path
                && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) == true),
            $"the gateway knowing {method} {path}");
    }

    private void Configure(MicronApplicationBuilder builder)
        => builder.Services.AddSingleton(Probe).AddMicron().AddService<BackendService>().AddGateway();

    internal static Dictionary<string, string> Json(string text) => JsonSerializer.Deserialize<Dictionary<string, string>>(text)!;
}
