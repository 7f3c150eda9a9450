using Micron.Hosting;
using Micron.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Tests.Support;

/// <summary>A real Micron host on an ephemeral loopback port, with a client pointed at it.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private TestHost(MicronApplication app, LogSink logs)
    {
        App = app;
        Logs = logs;
        // A host bound to every interface is reached on loopback (tests talk to loopback only); a host with only
        // https:// endpoints at its TLS address.
        var url = app.Urls.SingleOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal))
            ?? app.Urls.Single(u => u.StartsWith("https://", StringComparison.Ordinal));
        BaseAddress = new Uri(url.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal));
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public MicronApplication App { get; }

    public LogSink Logs { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>An ephemeral loopback port.</summary>
    public static string[] Loopback => ["--listen", "tcp://127.0.0.1:0"];

    public static string NewSecret() => "test-" + Guid.NewGuid().ToString("N");

    /// <summary>Starts a host with the given services and configuration.</summary>
    public static async Task<TestHost> StartAsync(Action<MicronApplicationBuilder> configure, params string[] args)
    {
        var logs = new LogSink();
        // A secret of its own unless the test shares one: local discovery is keyed by the secret, so hosts of
        // different tests never see each other.
        string[] secret = args.Contains("--secret") ? [] : ["--secret", NewSecret()];
        string[] listen = args.Contains("--listen") ? [] : Loopback;

        // Tests stop hosts all the time; the leave grace (callers learning of the leave) is tested where it matters.
        string[] grace = args.Any(a => a.StartsWith("--Micron:LeaveGrace", StringComparison.Ordinal)) ? [] : ["--Micron:LeaveGrace=00:00:00"];
        var builder = MicronApplication.CreateBuilder([.. listen, .. secret, .. grace, .. args]);
        // A provider-specific filter outranks any Logging:LogLevel rules an appsettings.json in the test folder brings.
        builder.Logging.ClearProviders().AddProvider(logs).AddFilter<LogSink>(null, LogLevel.Debug);
        configure(builder);
        var app = builder.Build();
        await app.StartAsync();
        return new TestHost(app, logs);
    }

    /// <summary>Starts a one-function server.</summary>
    public static async Task<TestHost> StartMicroAsync(Func<HttpContext, Task<object?>> handler, params string[] args)
    {
        string[] listen = args.Contains("--listen") ? [] : Loopback;
        var app = MicroServer.Create([.. listen, .. args], handler);
        await app.StartAsync();
        return new TestHost(app, new LogSink());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
