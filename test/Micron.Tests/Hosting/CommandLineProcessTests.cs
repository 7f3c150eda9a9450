using Micron.Tests.Support;

namespace Micron.Tests.Hosting;

/// <summary>
/// Mistakes on the command line of a real host process, answered in one line: an unknown flag (exit code 2), a value
/// a typed flag, variable or configuration key cannot take (exit code 1); and <c>--help</c> (exit code 0).
/// </summary>
public class CommandLineProcessTests
{
    private const string Listen = "tcp://127.0.0.1:0";

    [Theory]
    [InlineData("Shop", new[] { "--servics", "home" }, "micron: unknown option '--servics'; did you mean '--services'?")]
    [InlineData("Shop", new[] { "--bogus" }, "micron: unknown option '--bogus' (--help lists the options)")]
    [InlineData("Hello", new[] { "--lsiten", "tcp://127.0.0.1:0" }, "micron: unknown option '--lsiten'; did you mean '--listen'?")]
    public async Task UnknownFlag_ExitsWith2_NamingItAndTheClosest_WithoutStarting(string sample, string[] args, string message)
    {
        await using var process = HostProcess.Start(sample, ["--listen", Listen, "--discovery", "none", .. args]);

        (await process.WaitForExitAsync()).ShouldBe(2);
        process.SingleErrorLine().ShouldBe(message);
        process.StandardOutput.ShouldNotContain("Accepting connections");
    }

    [Fact]
    public async Task ConfigurationFlags_AndHostSettings_AreNotUnknown()
    {
        await using var process = HostProcess.Start(
            "Hello",
            ["--listen", Listen, "--Micron:Gateway:UpstreamTimeout=00:00:05", "--Kestrel:EndpointDefaults:Protocols", "Http1",
             "--Logging:LogLevel:Default=Information", "--environment", "Production", "--", "--the-apps-own"]);

        using var client = new HttpClient { BaseAddress = await process.WaitForListeningAsync() };

        (await client.GetStringAsync("/")).ShouldBe("Welcome to Micron!");
    }

    [Theory]
    [InlineData(new[] { "--heartbeat", "often" }, null, "--heartbeat: 'often' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData(new[] { "--discovery-timeout", "soon" }, null, "--discovery-timeout: 'soon' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData(new[] { "--gateway=maybe" }, null, "--gateway: 'maybe' is not true or false")]
    [InlineData(new[] { "--wait-for-services=perhaps" }, null, "--wait-for-services: 'perhaps' is not true or false")]
    [InlineData(new[] { "--discovery-udp-port", "x" }, null, "--discovery-udp-port: 'x' is not a port (0 to 65535)")]
    [InlineData(new[] { "--public-url", "x" }, null, "--public-url: 'x' is not an http:// or https:// URL")]
    [InlineData(new[] { "--peer", "x" }, null, "--peer: 'x' is not an http:// or https:// URL")]
    [InlineData(new string[0], "MICRON_HEARTBEAT=x", "MICRON_HEARTBEAT: 'x' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData(new string[0], "MICRON_DISCOVERY_TIMEOUT=soon", "MICRON_DISCOVERY_TIMEOUT: 'soon' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData(new string[0], "MICRON_GATEWAY=maybe", "MICRON_GATEWAY: 'maybe' is not true or false")]
    [InlineData(new string[0], "MICRON_DISCOVERY_UDP_PORT=x", "MICRON_DISCOVERY_UDP_PORT: 'x' is not a port (0 to 65535)")]
    [InlineData(new string[0], "MICRON_PUBLIC_URL=x", "MICRON_PUBLIC_URL: 'x' is not an http:// or https:// URL")]
    [InlineData(new[] { "--Micron:CallTimeout=soon" }, null, "Micron:CallTimeout: 'soon' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData(new[] { "--Micron:BreakerMinimumCalls=ten" }, null, "Micron:BreakerMinimumCalls: 'ten' is not a whole number")]
    [InlineData(new[] { "--Micron:MaxMessageSize=huge" }, null, "Micron:MaxMessageSize: 'huge' is not a size (use a number of bytes, 512kb, 16mb)")]
    [InlineData(new string[0], "Micron__Http__BodyLimit=lots", "Micron:Http:BodyLimit: 'lots' is not a size (use a number of bytes, 512kb, 16mb)")]
    [InlineData(new[] { "--Micron:Dashboard:Access=Everyone" }, null, "Micron:Dashboard:Access: 'Everyone' is not Loopback or Secret")]
    public async Task BadTypedValue_ExitsWith1AndOneLine(string[] args, string? variable, string message)
    {
        var environment = variable is null ? null : new Dictionary<string, string> { [variable[..variable.IndexOf('=')]] = variable[(variable.IndexOf('=') + 1)..] };
        await using var process = HostProcess.Start("Hello", ["--listen", Listen, .. args], environment);

        (await process.WaitForExitAsync()).ShouldBe(1);
        process.SingleErrorLine().ShouldBe("micron: " + message);
    }

    [Fact]
    public async Task BadValueOfAPackagesOwnKey_ExitsWith1AndOneLine()
    {
        await using var process = HostProcess.Start("Shop", ["--listen", Listen, "--discovery", "none", "--Micron:Gateway:UpstreamTimeout=soon"]);

        (await process.WaitForExitAsync()).ShouldBe(1);
        process.SingleErrorLine().ShouldBe("micron: Failed to convert configuration value 'soon' at 'Micron:Gateway:UpstreamTimeout' to type 'System.TimeSpan'.");
    }

    [Fact]
    public async Task DurationInConfiguration_ReadsAsTheFlagsDo()
    {
        await using var process = HostProcess.Start("Hello", ["--listen", Listen, "--Micron:CallTimeout=10s", "--Micron:LeaveGrace=500ms"]);

        await process.WaitForListeningAsync();
    }

    [Theory]
    [InlineData("Hello", "--help")]
    [InlineData("Hello", "-h")]
    [InlineData("Shop", "--help")]
    public async Task Help_PrintsTheFlagsWithTheirDefaults_AndExits0(string sample, string flag)
    {
        await using var process = HostProcess.Start(sample, [flag]);

        (await process.WaitForExitAsync()).ShouldBe(0);
        var help = process.StandardOutput;
        help.ShouldStartWith($"Usage: {sample} [options]");
        help.ShouldContain("-l, --listen URI");
        help.ShouldContain("default: tcp://0.0.0.0:3000");
        help.ShouldContain("--heartbeat D");
        help.ShouldContain("env MICRON_SECRET");
        help.ShouldNotContain("Accepting connections");
        process.StandardError.ShouldBeEmpty();
    }
}
