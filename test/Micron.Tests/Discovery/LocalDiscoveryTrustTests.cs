using Micron.Discovery;
using Micron.Discovery.Internal;
using Micron.Hosting;
using Micron.Security;
using Micron.Tests.Rpc;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Tests.Discovery;

/// <summary>
/// Issue 15: `--discovery local` takes in only what a host with the secret wrote, in a folder only its user can
/// write. The files here are written by a real <see cref="LocalDiscovery"/> and read by another, as two hosts would.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalDiscoveryTrustTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly string _secret = TestHost.NewSecret();
    private readonly LogSink _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly ServiceRegistry _registry;
    private readonly LocalDiscovery _reader;

    public LocalDiscoveryTrustTests()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        _registry = new ServiceRegistry(TimeProvider.System, _loggers.CreateLogger<ServiceRegistry>());
        _reader = Discovery(_secret);
    }

    private string Folder => Path.Combine(Path.GetTempPath(), "micron-local", new MicronKey(_secret).Id);

    public void Dispose()
    {
        foreach (var secret in new[] { _secret, "another-secret-0123456789" })
        {
            var folder = Path.Combine(Path.GetTempPath(), "micron-local", new MicronKey(secret).Id);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        _loggers.Dispose();
    }

    [Fact]
    public async Task Issue_15_TheFolder_IsMadeForItsOwnerOnly()
    {
        await using var host = await StartAsync();

        File.GetUnixFileMode(Folder).ShouldBe(OwnerOnly);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherWrite)]
    public async Task Issue_15_AFolderOthersCanWrite_StopsTheStart_InOneLine(UnixFileMode loose)
    {
        Directory.CreateDirectory(Folder);
        File.SetUnixFileMode(Folder, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute | loose);

        var failure = await Should.ThrowAsync<MicronStartupException>(StartAsync);

        failure.Message.ShouldBe($"the discovery folder {Folder} can be written by other users: chmod 700 it, or delete it");
    }

    [Fact]
    public async Task Issue_15_AnUnsignedFile_IsNotTakenIn_AndIsLoggedOnce_NotEveryBeat()
    {
        Directory.CreateDirectory(Folder);
        var intruder = new Announcement { Service = "calc", Version = "6.6.6", Instance = "intruder", Url = "http://127.0.0.1:1", Ttl = 60_000 };
        await File.WriteAllTextAsync(Path.Combine(Folder, "intruder.json"), System.Text.Json.JsonSerializer.Serialize(intruder));

        for (var beat = 0; beat < 3; beat++)
        {
            await _reader.ListenAsync(TimeSpan.Zero, CancellationToken.None);
        }

        _registry.InstancesOf("calc").ShouldBeEmpty();
        _logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("intruder.json", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task Issue_15_AFileSignedWithAnotherSecret_IsNotTakenIn()
    {
        // Written by a host of another secret (in its own folder), then dropped into this one.
        var stranger = Discovery("another-secret-0123456789");
        await stranger.AnnounceAsync([Calc("stranger")], CancellationToken.None);
        Directory.CreateDirectory(Folder);
        File.Copy(Path.Combine(stranger.Directory, "stranger.json"), Path.Combine(Folder, "stranger.json"));

        await _reader.ListenAsync(TimeSpan.Zero, CancellationToken.None);

        _registry.InstancesOf("calc").ShouldBeEmpty();
    }

    [Fact]
    public async Task Issue_15_ASignedFileEdited_IsNotTakenIn_WhileAnIntactOneIs()
    {
        var writer = Discovery(_secret);
        await writer.AnnounceAsync([Calc("intact"), Calc("edited")], CancellationToken.None);
        var edited = Path.Combine(Folder, "edited.json");
        await File.WriteAllTextAsync(edited, (await File.ReadAllTextAsync(edited)).Replace("127.0.0.1:5001", "127.0.0.1:6666", StringComparison.Ordinal));

        await _reader.ListenAsync(TimeSpan.Zero, CancellationToken.None);

        _registry.InstancesOf("calc").Select(i => i.Id).ShouldBe(["intact"]);
    }

    private static Announcement Calc(string instance)
        => new() { Service = "calc", Version = "1.0.0", Instance = instance, Url = "http://127.0.0.1:5001", Ttl = 60_000 };

    private LocalDiscovery Discovery(string secret)
        => new(_registry, new MicronKeyRing([new MicronKey(secret)]), TimeProvider.System, _loggers.CreateLogger<LocalDiscovery>());

    private Task<TestHost> StartAsync()
        => TestHost.StartAsync(b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>(), "--secret", _secret, "--services", "calc");
}
