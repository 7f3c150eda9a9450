using System.Collections;
using Micron.Hosting;
using Micron.Hosting.Internal;
using Micron.Tests.Support;

namespace Micron.Tests.Hosting;

public class MicronCommandLineTests
{
    private static readonly IDictionary NoEnvironment = new Hashtable();

    [Fact]
    public void Parse_ListenFlags_BecomeConfigurationInOrder()
    {
        var parsed = MicronCommandLine.Parse(["-l", "tcp://a:1", "--environment", "Development", "--listen", "unix:/b", "--listen=tcp://c:2"], NoEnvironment);

        parsed.Error.ShouldBeNull();
        parsed.Settings["Micron:Listen:0"].ShouldBe("tcp://a:1");
        parsed.Settings["Micron:Listen:1"].ShouldBe("unix:/b");
        parsed.Settings["Micron:Listen:2"].ShouldBe("tcp://c:2");
        parsed.Remaining.ShouldBe(["--environment", "Development"]);
    }

    [Fact]
    public void Parse_TopologyFlags_BecomeTheirSettings()
    {
        var parsed = MicronCommandLine.Parse(
            ["--services", "account,home", "--no-gateway", "--discovery", "none", "--peer", "http://a:1", "--peer", "http://b:2",
             "--secret", "s1", "--allow-ip", "10.0.0.0/8", "--discovery-timeout", "5s", "--heartbeat", "500ms", "--wait-for-services", "--data-dir", "/var/micron"],
            NoEnvironment);

        parsed.Error.ShouldBeNull();
        parsed.Settings["Micron:Services"].ShouldBe("account,home");
        parsed.Settings["Micron:Gateway"].ShouldBe("false");
        parsed.Settings["Micron:Discovery"].ShouldBe("none");
        parsed.Settings["Micron:Peers:1"].ShouldBe("http://b:2");
        parsed.Settings["Micron:Secrets:0"].ShouldBe("s1");
        parsed.Settings["Micron:AllowIp:0"].ShouldBe("10.0.0.0/8");
        parsed.Settings["Micron:DiscoveryTimeout"].ShouldBe("00:00:05");
        parsed.Settings["Micron:Heartbeat"].ShouldBe("00:00:00.5000000");
        parsed.Settings["Micron:WaitForServices"].ShouldBe("true");
        parsed.Settings["Micron:DataDir"].ShouldBe("/var/micron");
    }

    [Fact]
    public void Parse_Variables_ApplyWhenNoFlagIsGiven()
    {
        var environment = new Hashtable { ["MICRON_SERVICES"] = "account", ["MICRON_SECRET"] = "from-env", ["MICRON_ALLOW_IP"] = "10.0.0.1, 10.0.0.2", ["MICRON_HEARTBEAT"] = "2s" };

        var parsed = MicronCommandLine.Parse(["--services", "home"], environment);

        parsed.Settings["Micron:Services"].ShouldBe("home");
        parsed.Settings["Micron:Secrets:0"].ShouldBe("from-env");
        parsed.Settings["Micron:AllowIp:1"].ShouldBe("10.0.0.2");
        parsed.Settings["Micron:Heartbeat"].ShouldBe("00:00:02");
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("1s", 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120000)]
    [InlineData("30", 30000)]
    [InlineData("00:00:03", 3000)]
    public void TryParseDuration_Forms(string text, int milliseconds)
    {
        SettingValue.TryParseDuration(text, out var duration).ShouldBeTrue();
        duration.TotalMilliseconds.ShouldBe(milliseconds);
    }

    [Theory]
    [InlineData(new[] { "--listen" }, "option --listen needs a value")]
    [InlineData(new[] { "--heartbeat", "often" }, "--heartbeat: 'often' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData(new[] { "--gateway=maybe" }, "--gateway: 'maybe' is not true or false")]
    public void Parse_BadInput_IsAnError(string[] args, string error)
        => MicronCommandLine.Parse(args, NoEnvironment).Error.ShouldBe(error);

    /// <summary>Every typed flag, a value it cannot take, and what is said.</summary>
    public static TheoryData<string[], string> BadFlagValues => new()
    {
        { ["--heartbeat", "often"], "--heartbeat: 'often' is not a duration (use 500ms, 1s, 2m)" },
        { ["--heartbeat=0"], "--heartbeat: '0' is not longer than zero" },
        { ["--discovery-timeout", "soon"], "--discovery-timeout: 'soon' is not a duration (use 500ms, 1s, 2m)" },
        { ["--discovery-timeout=-1s"], "--discovery-timeout: '-1s' is not a duration (use 500ms, 1s, 2m)" },
        { ["--gateway=maybe"], "--gateway: 'maybe' is not true or false" },
        { ["--no-gateway=maybe"], "--no-gateway: 'maybe' is not true or false" },
        { ["--wait-for-services=perhaps"], "--wait-for-services: 'perhaps' is not true or false" },
        { ["--discovery-udp-port", "x"], "--discovery-udp-port: 'x' is not a port (0 to 65535)" },
        { ["--discovery-udp-port", "65536"], "--discovery-udp-port: '65536' is not a port (0 to 65535)" },
        { ["--public-url", "host:3000"], "--public-url: 'host:3000' is not an http:// or https:// URL" },
        { ["--peer", "http://a:1", "--peer", "10.0.0.5"], "--peer: '10.0.0.5' is not an http:// or https:// URL" },
    };

    [Theory]
    [MemberData(nameof(BadFlagValues))]
    public void Parse_TypedFlag_BadValue_IsOneLineNamingTheFlag(string[] args, string error)
    {
        var parsed = MicronCommandLine.Parse(args, NoEnvironment);

        parsed.Error.ShouldBe(error);
        parsed.IsUnknownFlag.ShouldBeFalse();
    }

    [Theory]
    [InlineData("MICRON_HEARTBEAT", "x", "MICRON_HEARTBEAT: 'x' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData("MICRON_DISCOVERY_TIMEOUT", "soon", "MICRON_DISCOVERY_TIMEOUT: 'soon' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData("MICRON_GATEWAY", "maybe", "MICRON_GATEWAY: 'maybe' is not true or false")]
    [InlineData("MICRON_WAIT_FOR_SERVICES", "yes", "MICRON_WAIT_FOR_SERVICES: 'yes' is not true or false")]
    [InlineData("MICRON_DISCOVERY_UDP_PORT", "port", "MICRON_DISCOVERY_UDP_PORT: 'port' is not a port (0 to 65535)")]
    [InlineData("MICRON_PUBLIC_URL", "example.com", "MICRON_PUBLIC_URL: 'example.com' is not an http:// or https:// URL")]
    [InlineData("MICRON_PEER", "http://a:1,b:2", "MICRON_PEER: 'b:2' is not an http:// or https:// URL")]
    public void Parse_TypedVariable_BadValue_IsOneLineNamingTheVariable(string variable, string value, string error)
        => MicronCommandLine.Parse([], new Hashtable { [variable] = value }).Error.ShouldBe(error);

    [Fact]
    public void Parse_TypedValues_AreStoredAsBindingReadsThem()
    {
        var parsed = MicronCommandLine.Parse(
            ["--discovery-udp-port", "11700", "--public-url", "https://shop.example:8443", "--wait-for-services=FALSE"],
            new Hashtable { ["MICRON_DISCOVERY_TIMEOUT"] = "1m", ["MICRON_GATEWAY"] = "False" });

        parsed.Error.ShouldBeNull();
        parsed.Settings["Micron:Udp:Port"].ShouldBe("11700");
        parsed.Settings["Micron:PublicUrl"].ShouldBe("https://shop.example:8443");
        parsed.Settings["Micron:WaitForServices"].ShouldBe("false");
        parsed.Settings["Micron:DiscoveryTimeout"].ShouldBe("00:01:00");
        parsed.Settings["Micron:Gateway"].ShouldBe("false");
    }

    [Theory]
    [InlineData("--servics", "unknown option '--servics'; did you mean '--services'?")]
    [InlineData("--Services", "unknown option '--Services'; did you mean '--services'?")]
    [InlineData("--heartbeet=1s", "unknown option '--heartbeet'; did you mean '--heartbeat'?")]
    [InlineData("--discovery-timout", "unknown option '--discovery-timout'; did you mean '--discovery-timeout'?")]
    [InlineData("--wait", "unknown option '--wait'; did you mean '--wait-for-services'?")]
    [InlineData("--lsiten", "unknown option '--lsiten'; did you mean '--listen'?")]
    [InlineData("-L", "unknown option '-L'; did you mean '-l'?")]
    [InlineData("--enviroment", "unknown option '--enviroment'; did you mean '--environment'?")]
    [InlineData("--hepl", "unknown option '--hepl'; did you mean '--help'?")]
    [InlineData("--bogus", "unknown option '--bogus' (--help lists the options)")]
    [InlineData("-x", "unknown option '-x' (--help lists the options)")]
    public void Parse_UnknownFlag_IsAnErrorNamingTheClosest(string flag, string error)
    {
        var parsed = MicronCommandLine.Parse([flag, "home"], NoEnvironment);

        parsed.Error.ShouldBe(error);
        parsed.IsUnknownFlag.ShouldBeTrue();
    }

    [Fact]
    public void Parse_ConfigurationAndHostSettings_GoOnToAspNetCore()
    {
        string[] args =
        [
            "--Micron:Gateway:UpstreamTimeout=00:00:05", "--Kestrel:Certificates:Default:Path", "cert.pfx", "--Logging:LogLevel:Default=Warning",
            "--environment", "Development", "--urls=http://127.0.0.1:0", "--contentRoot", "/srv", "--ENVIRONMENT", "Staging", "/Key=value", "positional", "-",
        ];

        var parsed = MicronCommandLine.Parse(args, NoEnvironment);

        parsed.Error.ShouldBeNull();
        parsed.Remaining.ShouldBe(args);
    }

    [Fact]
    public void Parse_AfterDoubleDash_ArgumentsAreTheApplications()
    {
        var parsed = MicronCommandLine.Parse(["--services", "home", "--", "--anything", "--help"], NoEnvironment);

        parsed.Error.ShouldBeNull();
        parsed.Help.ShouldBeFalse();
        parsed.Remaining.ShouldBeEmpty();
        parsed.Settings["Micron:Services"].ShouldBe("home");
    }

    [Fact]
    public void Parse_ApplicationFlags_SetTheirKeys()
    {
        Flag[] flags =
        [
            Flag.Of(new CommandLineFlag("--greeting", "Greeting:Text", "the word to greet with")),
            Flag.Of(new CommandLineFlag("-v", "Verbose", "say more") { IsSwitch = true }),
        ];

        var parsed = MicronCommandLine.Parse(["--greeting", "Hi", "-v", "--listen", "tcp://127.0.0.1:0"], NoEnvironment, flags);

        parsed.Error.ShouldBeNull();
        parsed.Settings["Greeting:Text"].ShouldBe("Hi");
        parsed.Settings["Verbose"].ShouldBe("true");
        MicronCommandLine.Parse(["--greting=Hi"], NoEnvironment, flags).Error.ShouldBe("unknown option '--greting'; did you mean '--greeting'?");
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Parse_Help_IsAskedFor(string flag)
        => MicronCommandLine.Parse(["--listen", "tcp://127.0.0.1:0", flag], NoEnvironment).Help.ShouldBeTrue();

    [Fact]
    public void Help_ListsEveryFlagOfTheSpec_WithItsVariable()
    {
        var spec = File.ReadAllLines(Path.Combine(Repository.Root, "docs/spec/cli.md"));
        var table = spec.SkipWhile(static l => !l.StartsWith("| flag |", StringComparison.Ordinal)).Skip(2).TakeWhile(static l => l.StartsWith('|')).ToList();
        var help = CommandLineHelp.Write("app", []);

        table.Count.ShouldBeGreaterThan(10);
        foreach (var row in table)
        {
            var cells = row.Split('|');
            foreach (var flag in System.Text.RegularExpressions.Regex.Matches(cells[1], @"`(-[-\w]+)").Select(static m => m.Groups[1].Value))
            {
                help.ShouldContain(flag, customMessage: row);
            }

            if (cells[2].Trim().Trim('`') is { Length: > 0 } variable)
            {
                help.ShouldContain("env " + variable, customMessage: row);
            }
        }
    }
}
