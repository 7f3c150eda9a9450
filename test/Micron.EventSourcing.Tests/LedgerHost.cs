using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.EventSourcing.Tests;

/// <summary>The ledger in a real host over a real SQLite file in a folder of its own.</summary>
public sealed class LedgerHost : IAsyncDisposable
{
    private LedgerHost(TestHost host, string dataDir)
    {
        Host = host;
        DataDir = dataDir;
    }

    public TestHost Host { get; }

    public string DataDir { get; }

    public LedgerService Ledger => Host.App.Services.GetRequiredService<LedgerService>();

    public IEventStore Store => Host.App.Services.GetRequiredService<IEventStore>();

    public HttpClient Client => Host.Client;

    public static string NewDataDir() => Directory.CreateTempSubdirectory("micron-es-").FullName;

    public static Task<LedgerHost> StartAsync(string? dataDir = null, params string[] args)
        => StartAsync(dataDir, _ => { }, args);

    public static async Task<LedgerHost> StartAsync(string? dataDir, Action<IMicronBuilder> more, params string[] args)
    {
        dataDir ??= NewDataDir();
        string[] discovery = args.Contains("--discovery") ? [] : ["--discovery", "none"];
        var host = await TestHost.StartAsync(
            b => more(b.Services.AddMicron().AddService<LedgerService>().AddSqliteEventStore()),
            ["--data-dir", dataDir, .. discovery, .. args]);
        return new LedgerHost(host, dataDir);
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
