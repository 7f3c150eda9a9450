using System.Net;
using System.Net.Http.Json;
using Micron.Cli;
using Micron.Tests.Support;

namespace Micron.Tests.Cli;

/// <summary><c>micron run --service-dir</c>: real processes running services loaded from a folder.</summary>
public class MicronRunTests
{
    private static readonly string Cli = Path.Combine(Repository.OutputOf("src/Micron.Cli"), "Micron.Cli.dll");
    private static readonly string ShopDir = Repository.OutputOf("samples/Shop");
    private static readonly string GreeterDir = Repository.OutputOf("test/Fixtures/Greeter");
    private static readonly string WidgetsDir = Repository.OutputOf("test/Fixtures/Widgets");
    private static readonly string GadgetsDir = Repository.OutputOf("test/Fixtures/Gadgets");

    [Fact]
    public async Task ServiceDir_WithAModule_RunsTheModulesServices()
    {
        await using var host = StartRun(["--service-dir", ShopDir, "--discovery", "none"], TestHost.NewSecret());
        using var http = new HttpClient { BaseAddress = await host.WaitForListeningAsync() };

        (await http.GetStringAsync("/whois/1")).ShouldBe("""{"id":1,"username":"micromono"}""");
        (await http.GetStringAsync("/multiply/5/3")).ShouldBe("15");
    }

    [Fact]
    public async Task ServiceDir_Subfolders_WithoutAModule_RegistersEveryServiceFound()
    {
        var root = Directory.CreateTempSubdirectory("micron-services-");
        try
        {
            Copy(ShopDir, Path.Combine(root.FullName, "shop"));
            Copy(GreeterDir, Path.Combine(root.FullName, "greeter"));
            await using var host = StartRun(["--service-dir", root.FullName, "--discovery", "none"], TestHost.NewSecret());
            using var http = new HttpClient { BaseAddress = await host.WaitForListeningAsync() };

            (await http.GetFromJsonAsync<GreetingAnswer>("/greet/ada"))!.Greeting.ShouldBe("Hello, ada");
            (await http.GetStringAsync("/whois/1")).ShouldContain("micromono");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ServiceDir_OfRazorClassLibraries_ServesTheirStaticWebAssets_BuiltOrPublished()
    {
        var root = Directory.CreateTempSubdirectory("micron-libraries-");
        try
        {
            // Gadgets as built (its runtime manifest); Widgets as published (its files in wwwroot, no runtime manifest).
            Copy(GadgetsDir, Path.Combine(root.FullName, "gadgets"));
            var widgets = Path.Combine(root.FullName, "widgets");
            Copy(WidgetsDir, widgets);
            File.Delete(Path.Combine(widgets, "Widgets.staticwebassets.runtime.json"));
            Copy(Path.Combine(Repository.Root, "test/Fixtures/Widgets/wwwroot"), Path.Combine(widgets, "wwwroot"));
            await using var host = StartRun(["--service-dir", root.FullName, "--discovery", "none"], TestHost.NewSecret());
            using var http = new HttpClient { BaseAddress = await host.WaitForListeningAsync() };

            (await http.GetStringAsync("/_content/Acme.Gadgets/same.txt")).ShouldBe("gadgets\n");
            (await http.GetStringAsync("/_content/Widgets/same.txt")).ShouldBe("widgets\n");
            var css = await http.GetAsync("/_content/Widgets/widgets.css");
            css.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
            (await http.GetAsync("/_content/Widgets/Widgets.dll")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ServiceDir_MixedWithAnAppHost_CallsAcrossProcesses()
    {
        var secret = TestHost.NewSecret();
        await using var services = StartRun(["--service-dir", ShopDir, "--services", "account,calculator"], secret);
        await services.WaitForListeningAsync();
        await using var home = HostProcess.Start("Shop", ["--listen", "tcp://127.0.0.1:0", "--services", "home", "--secret", secret]);
        using var http = new HttpClient { BaseAddress = await home.WaitForListeningAsync() };

        var profile = await http.GetStringAsync("/profile/1");

        profile.ShouldContain("micromono");
    }

    [Fact]
    public async Task ServiceDir_Missing_ExplainsAndExits1()
    {
        var (code, error) = await RunInProcessAsync("run", "--service-dir", "/nonexistent/services");

        code.ShouldBe(1);
        error.ShouldContain("service directory '/nonexistent/services' not found");
    }

    [Fact]
    public async Task ServiceDir_WithoutMicronAssemblies_ExplainsAndExits1()
    {
        var empty = Directory.CreateTempSubdirectory("micron-empty-");
        try
        {
            File.WriteAllText(Path.Combine(empty.FullName, "not-an-assembly.dll"), "garbage");
            var (code, error) = await RunInProcessAsync("run", "--service-dir", empty.FullName);

            code.ShouldBe(1);
            error.ShouldContain("references Micron");
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ServiceDir_UnknownLocalService_FailsToStartWithExit1()
    {
        await using var host = StartRun(["--service-dir", ShopDir, "--services", "nope", "--discovery", "none"], TestHost.NewSecret());

        (await host.WaitForExitAsync()).ShouldBe(1);
        host.StandardError.ShouldContain("micron: ");
        host.StandardError.ShouldContain("nope");
    }

    [Fact]
    public async Task ServiceDirOption_Missing_IsAUsageError()
    {
        var (code, error) = await RunInProcessAsync("run");

        code.ShouldNotBe(0);
        error.ShouldContain("--service-dir");
    }

    private static HostProcess StartRun(string[] args, string secret)
        => HostProcess.StartDll(Cli, ["run", .. args, "--listen", "tcp://127.0.0.1:0", "--secret", secret]);

    [Theory]
    [InlineData("run")]
    [InlineData("gateway")]
    public async Task Help_ListsTheToolsOptions_ThenTheHosts(string command)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await MicronCli.RunAsync([command, "--help"], output, error);

        code.ShouldBe(0);
        var help = output.ToString();
        help.ShouldContain("--secret <secret>");
        help.ShouldContain("Host options:");
        help.ShouldContain("-l, --listen URI");
        help.ShouldContain("--discovery-timeout D");
        error.ToString().ShouldBeEmpty();
    }

    private static async Task<(int Code, string Error)> RunInProcessAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MicronCli.RunAsync(args, output, error);
        return (code, error.ToString());
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private sealed record GreetingAnswer(string Greeting);
}
