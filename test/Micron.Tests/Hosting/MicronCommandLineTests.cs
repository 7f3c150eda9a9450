using System.Collections;
using Micron.Hosting.Internal;

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
        MicronCommandLine.TryParseDuration(text, out var duration).ShouldBeTrue();
        duration.TotalMilliseconds.ShouldBe(milliseconds);
    }

    [Theory]
    [InlineData(new[] { "--listen" }, "option --listen needs a value")]
    [InlineData(new[] { "--heartbeat", "often" }, "--heartbeat: 'often' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData(new[] { "--gateway=maybe" }, "--gateway=maybe: 'maybe' is not true or false")]
    public void Parse_BadInput_IsAnError(string[] args, string error)
        => MicronCommandLine.Parse(args, NoEnvironment).Error.ShouldBe(error);
}
