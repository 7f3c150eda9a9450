using Micron.Cli;
using Micron.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shop;

namespace Micron.Tests.Cli;

/// <summary>The micron command against a real Shop host.</summary>
public class MicronCliTests : IAsyncLifetime
{
    private readonly string _secret = TestHost.NewSecret();
    private TestHost _shop = null!;

    public async Task InitializeAsync() => _shop = await TestHost.StartAsync(b => b.Services.AddMicron().AddShop(), "--secret", _secret);

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task Ls_ListsTheInstancesAsATable()
    {
        var (code, output, _) = await RunAsync("ls");

        code.ShouldBe(0);
        output.ShouldContain("account");
        output.ShouldContain("calculator");
        output.ShouldContain("this host");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("[1]")]
    [InlineData("{\"id\":1}")]
    public async Task Call_PositionalOrNamedArguments_PrintsTheResult(string args)
    {
        var (code, output, _) = await RunAsync("call", "account.GetUserById", args);

        code.ShouldBe(0);
        output.Trim().ShouldBe("""{"id":1,"username":"micromono"}""");
    }

    [Fact]
    public async Task Act_PrintsTheResult()
    {
        var (code, output, _) = await RunAsync("act", "multiply", """{"first":5,"second":3}""");

        code.ShouldBe(0);
        output.Trim().ShouldBe("15");
    }

    [Fact]
    public async Task Call_UnknownMethod_ExplainsAndExits1()
    {
        var (code, _, error) = await RunAsync("call", "account.Nope", "{}");

        code.ShouldBe(1);
        error.ShouldContain("404 method_not_found");
    }

    [Fact]
    public async Task WrongSecret_ExplainsAndExits1()
    {
        var (code, _, error) = await RunAsync(["ls", "--secret", "not-the-secret-0123456789"], withSecret: false);

        code.ShouldBe(1);
        error.ShouldContain("401 signature_invalid");
    }

    [Fact]
    public async Task Issue_15_HostThatDoesNotKnowItselfByTheUrl_RefusesTheSignature_AndTheCommandSaysWhy()
    {
        // On every interface, the host answers on any loopback address, but knows itself as 127.0.0.1, not 127.0.0.2.
        await using var wide = await TestHost.StartAsync(b => b.Services.AddMicron().AddShop(), "--secret", _secret, "--listen", "tcp://0.0.0.0:0", "--discovery", "none");
        var elsewhere = $"http://127.0.0.2:{wide.BaseAddress.Port}";

        var (code, _, error) = await RunAsync(["ls", "--url", elsewhere], withSecret: true, withUrl: false);

        code.ShouldBe(1);
        error.ShouldContain("401 signature_audience");
        error.ShouldContain("--public-url");
        (await RunAsync(["ls", "--url", wide.BaseAddress.ToString()], withSecret: true, withUrl: false)).Code.ShouldBe(0);
    }

    [Fact]
    public async Task HostDown_ExplainsAndExits1()
    {
        var (code, _, error) = await RunAsync(["ls", "--url", $"http://127.0.0.1:{Ports.Free()}"], withSecret: true, withUrl: false);

        code.ShouldBe(1);
        error.ShouldContain("cannot reach the host");
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunAsync(args, withSecret: true);

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args, bool withSecret, bool withUrl = true)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] url = withUrl ? ["--url", _shop.BaseAddress.ToString()] : [];
        string[] secret = withSecret ? ["--secret", _secret] : [];
        var code = await MicronCli.RunAsync([.. args, .. url, .. secret], output, error);
        return (code, output.ToString(), error.ToString());
    }
}
