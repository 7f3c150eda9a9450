using System.Net;
using System.Net.Sockets;
using Micron.Hosting;
using Micron.Tests.Services;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Tests.Hosting;

public class StartFailureTests
{
    [Fact]
    public async Task AddressInUse_IsFoundBeforeAnyServiceInitializes()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var builder = MicronApplication.CreateBuilder(["--listen", $"tcp://127.0.0.1:{port}", "--discovery", "none", "--secret", TestHost.NewSecret()]);
        builder.Services.AddSingleton<ServiceTests.InitLog>();
        builder.Services.AddMicron().AddService<ServiceTests.ClockService>();
        await using var app = builder.Build();

        var error = await Should.ThrowAsync<MicronStartupException>(() => app.StartAsync());

        error.Message.ShouldBe($"tcp://127.0.0.1:{port}: address already in use");
        app.Services.GetRequiredService<ServiceTests.InitLog>().Order.ShouldBeEmpty();
    }

    [Fact]
    public async Task ApplicationFlags_SetTheirKeys_AndAreNotUnknown()
    {
        var builder = MicronApplication.CreateBuilder(new MicronApplicationOptions
        {
            Args = ["--listen", "tcp://127.0.0.1:0", "--discovery", "none", "--greeting", "Hi", "--loud"],
            Flags =
            {
                new CommandLineFlag("--greeting", "Greeting:Text", "the word to greet with") { Default = "Hello" },
                new CommandLineFlag("--loud", "Greeting:Loud", "shout") { IsSwitch = true },
            },
        });
        await using var app = builder.Build();

        await app.StartAsync();

        app.Configuration["Greeting:Text"].ShouldBe("Hi");
        app.Configuration["Greeting:Loud"].ShouldBe("true");
        await app.StopAsync();
    }

    [Fact]
    public async Task UnknownFlag_StopsTheStart()
    {
        await using var app = MicronApplication.CreateBuilder(["--listen", "tcp://127.0.0.1:0", "--greeting", "Hi"]).Build();

        (await Should.ThrowAsync<MicronStartupException>(() => app.StartAsync())).Message.ShouldBe("unknown option '--greeting' (--help lists the options)");
    }

    [Fact]
    public void ApplicationFlag_WithoutDashes_IsRejected()
        => Should.Throw<ArgumentException>(() => MicronApplication.CreateBuilder(new MicronApplicationOptions { Flags = { new("greeting", "Greeting", "?") } }));
}
