using Micron.Hosting;
using Micron.Hosting.Internal;
using Microsoft.Extensions.Configuration;

namespace Micron.Tests.Hosting;

/// <summary>The typed keys of the <c>Micron</c> section: a bad value is one line naming the key, a duration reads as the flags do.</summary>
public class SettingsCheckTests
{
    [Theory]
    [InlineData("Micron:Heartbeat", "often", "'often' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData("Micron:Heartbeat", "0s", "'0s' is not longer than zero")]
    [InlineData("Micron:DiscoveryTimeout", "soon", "'soon' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData("Micron:CallTimeout", "1 minute", "'1 minute' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData("Micron:LeaveGrace", "x", "'x' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData("Micron:BreakDuration", "x", "'x' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData("Micron:Dashboard:KeepDown", "x", "'x' is not a duration (use 500ms, 1s, 2m)")]
    [InlineData("Micron:Gateway", "maybe", "'maybe' is not true or false")]
    [InlineData("Micron:WaitForServices", "yes", "'yes' is not true or false")]
    [InlineData("Micron:Dashboard:Enabled", "on", "'on' is not true or false")]
    [InlineData("Micron:Http:IncludeExceptionDetails", "1", "'1' is not true or false")]
    [InlineData("Micron:Udp:Port", "99999", "'99999' is not a port (0 to 65535)")]
    [InlineData("Micron:Udp:TimeToLive", "-1", "'-1' is not a whole number")]
    [InlineData("Micron:BreakerMinimumCalls", "ten", "'ten' is not a whole number")]
    [InlineData("Micron:MaxMessageSize", "huge", "'huge' is not a size (use a number of bytes, 512kb, 16mb)")]
    [InlineData("Micron:Http:BodyLimit", "1 pb", "'1 pb' is not a size (use a number of bytes, 512kb, 16mb)")]
    [InlineData("Micron:PublicUrl", "shop:80", "'shop:80' is not an http:// or https:// URL")]
    [InlineData("Micron:Peers:1", "ftp://a", "'ftp://a' is not an http:// or https:// URL")]
    [InlineData("Micron:Dashboard:Access", "Everyone", "'Everyone' is not Loopback or Secret")]
    [InlineData("Micron:Http:ErrorFormat", "Xml", "'Xml' is not ProblemJson or PlainText")]
    public void Check_BadValue_NamesTheKey(string key, string value, string problem)
    {
        var configuration = Configuration(new() { ["Micron:Peers:0"] = "http://a:1", [key] = value });

        Should.Throw<MicronStartupException>(() => SettingsCheck.Check(configuration)).Message.ShouldBe($"{key}: {problem}");
    }

    [Fact]
    public void Check_Durations_ReadAsTheFlagsDo()
    {
        var configuration = Configuration(new()
        {
            ["Micron:CallTimeout"] = "10s", ["Micron:LeaveGrace"] = "00:00:00", ["Micron:Heartbeat"] = "250ms", ["Micron:Gateway:UpstreamTimeout"] = "x",
            ["Micron:Gateway"] = null, ["Micron:MaxMessageSize"] = "32mb", ["Micron:Dashboard:Access"] = "secret",
        });

        var normalized = SettingsCheck.Check(configuration);

        normalized.ShouldBe(new Dictionary<string, string?> { ["Micron:CallTimeout"] = "00:00:10", ["Micron:Heartbeat"] = "00:00:00.2500000" }, ignoreOrder: true);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values)
        => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
