using Gadgets;
using Micron.Hosting;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Widgets;

namespace Micron.Tests.Assets;

/// <summary>
/// The services of two Razor class libraries (Widgets: <c>widgets</c> and <c>widget-parts</c>; Gadgets: <c>gadgets</c>)
/// behind a front door that the tests talk to.
/// </summary>
public abstract class ContentHosts : IAsyncLifetime
{
    private readonly List<TestHost> _hosts = [];

    /// <summary>Gets the host the tests send requests to.</summary>
    public TestHost Front => _hosts[^1];

    /// <summary>Gets every host, the front door last.</summary>
    public IReadOnlyList<TestHost> Hosts => _hosts;

    public abstract Task InitializeAsync();

    public async Task DisposeAsync()
    {
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            await _hosts[i].DisposeAsync();
        }
    }

    internal static void Configure(MicronApplicationBuilder builder)
        => builder.Services.AddMicron().AddService<WidgetsService>().AddService<WidgetPartsService>().AddService<GadgetsService>().AddGateway();

    protected async Task<TestHost> StartAsync(params string[] args)
    {
        var host = await TestHost.StartAsync(Configure, args);
        _hosts.Add(host);
        return host;
    }

    protected static Task ServesAsync(TestHost host, string path)
        => Eventually.TrueAsync(async () => (await host.Client.GetAsync(path)).IsSuccessStatusCode, $"{path} answered by {host.BaseAddress}", TimeSpan.FromSeconds(30));
}

/// <summary>Every service in one host.</summary>
public sealed class MonolithContent : ContentHosts
{
    public override Task InitializeAsync() => StartAsync();
}

/// <summary>
/// Micro mode: <c>widgets</c> and <c>gadgets</c> in one host, <c>widget-parts</c> (the Widgets library's first service by
/// name, so the owner of its assets) in another, and a gateway that runs no service in front.
/// </summary>
public sealed class MicroContent : ContentHosts
{
    public TestHost Services { get; private set; } = null!;

    public TestHost Parts { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        var secret = TestHost.NewSecret();
        Services = await StartAsync("--services", "widgets,gadgets", "--secret", secret, "--heartbeat", "1s");
        Parts = await StartAsync("--services", "widget-parts", "--secret", secret, "--heartbeat", "1s");
        var gateway = await StartAsync("--services", "none", "--secret", secret, "--heartbeat", "1s");
        await ServesAsync(gateway, "/_content/Widgets/widgets.css");
        await ServesAsync(gateway, "/_content/Acme.Gadgets/gadgets.css");
        await ServesAsync(Services, "/_content/Widgets/widgets.css");
    }
}
