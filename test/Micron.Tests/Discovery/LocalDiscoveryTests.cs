using Micron.Security;
using Micron.Tests.Rpc;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Discovery;

/// <summary>`--discovery local`: a folder per secret in the temp directory.</summary>
public class LocalDiscoveryTests
{
    [Fact]
    public async Task LastHostToLeave_RemovesTheFolder_AndTheNextOneMakesItAgain()
    {
        var secret = TestHost.NewSecret();
        var folder = Path.Combine(Path.GetTempPath(), "micron-local", new MicronKey(secret).Id);

        for (var round = 0; round < 2; round++)
        {
            var calc = await StartAsync(secret, "calc");
            var client = await StartAsync(secret, "client");
            Directory.EnumerateFiles(folder, "*.json").Count().ShouldBe(2);

            await calc.DisposeAsync();
            Directory.Exists(folder).ShouldBeTrue("the client is still there");
            await client.DisposeAsync();
            Directory.Exists(folder).ShouldBeFalse();
        }
    }

    private static Task<TestHost> StartAsync(string secret, string services)
        => TestHost.StartAsync(
            b => b.Services.AddMicron().AddService<RemoteCallTests.CalcService>().AddService<RemoteCallTests.ClientService>(),
            "--secret", secret, "--services", services);
}
