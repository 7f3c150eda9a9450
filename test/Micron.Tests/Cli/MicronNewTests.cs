using System.Diagnostics;
using Micron.Cli;
using Micron.Tests.Support;

namespace Micron.Tests.Cli;

/// <summary><c>micron new service NAME</c>: the files it writes build, and the service runs.</summary>
public class MicronNewTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("micron-new-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task NewService_Builds_AndRunsWithMicronRun()
    {
        var project = Path.Combine(_folder.FullName, "Billing");
        Directory.CreateDirectory(project);
        var micron = Path.Combine(Repository.OutputOf("src/Micron"), "Micron.dll");
        await File.WriteAllTextAsync(Path.Combine(project, "Billing.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <Reference Include="Micron"><HintPath>{micron}</HintPath></Reference>
              </ItemGroup>
            </Project>
            """);

        var (code, output, error) = await RunAsync("new", "service", "Invoices", "--output", Path.Combine(project, "Invoices"));

        code.ShouldBe(0, error);
        output.ShouldContain("InvoicesService.cs");
        (await File.ReadAllTextAsync(Path.Combine(project, "Invoices", "IInvoices.cs"))).ShouldContain("namespace Billing.Invoices;");
        var build = await DotnetAsync(project, "build", "-c", "Release", "-o", Path.Combine(project, "out"), "--nologo", "-v", "quiet");
        build.Code.ShouldBe(0, build.Output);

        await using var host = HostProcess.StartDll(
            Path.Combine(Repository.OutputOf("src/Micron.Cli"), "Micron.Cli.dll"),
            ["run", "--service-dir", Path.Combine(project, "out"), "--listen", "tcp://127.0.0.1:0", "--discovery", "none", "--secret", TestHost.NewSecret()]);
        using var http = new HttpClient { BaseAddress = await host.WaitForListeningAsync() };
        (await http.GetStringAsync("/invoices/hello/ada")).ShouldBe("Hello, ada");
    }

    [Fact]
    public async Task NewService_ExistingFiles_AreNeverOverwritten()
    {
        (await RunAsync("new", "service", "Orders", "--output", _folder.FullName, "--namespace", "Shop.Orders")).Code.ShouldBe(0);
        var written = await File.ReadAllTextAsync(Path.Combine(_folder.FullName, "OrdersService.cs"));

        var (code, _, error) = await RunAsync("new", "service", "Orders", "--output", _folder.FullName);

        code.ShouldBe(1);
        error.ShouldContain("already exists; nothing was written");
        (await File.ReadAllTextAsync(Path.Combine(_folder.FullName, "OrdersService.cs"))).ShouldBe(written);
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("Or-ders")]
    [InlineData("1Orders")]
    public async Task NewService_NotPascalCase_ExplainsAndExits1(string name)
    {
        var (code, _, error) = await RunAsync("new", "service", name, "--output", _folder.FullName);

        code.ShouldBe(1);
        error.ShouldContain("is not a service name");
        _folder.EnumerateFiles().ShouldBeEmpty();
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MicronCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<(int Code, string Output)> DotnetAsync(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
