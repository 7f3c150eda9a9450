using Micron.Hosting.Internal;

namespace Micron.Tests.Hosting;

public class MicronCommandLineTests
{
    [Fact]
    public void Parse_ListenFlags_BecomeConfigurationInOrder()
    {
        var parsed = MicronCommandLine.Parse(["-l", "tcp://a:1", "--environment", "Development", "--listen", "unix:/b", "--listen=tcp://c:2"]);

        parsed.Error.ShouldBeNull();
        parsed.Settings["Micron:Listen:0"].ShouldBe("tcp://a:1");
        parsed.Settings["Micron:Listen:1"].ShouldBe("unix:/b");
        parsed.Settings["Micron:Listen:2"].ShouldBe("tcp://c:2");
        parsed.Remaining.ShouldBe(["--environment", "Development"]);
    }

    [Fact]
    public void Parse_FlagWithoutValue_IsAnError()
        => MicronCommandLine.Parse(["--listen"]).Error.ShouldBe("option --listen needs a value");
}
