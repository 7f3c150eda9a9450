using System.Net;
using Micron.Hosting;
using Micron.Security.Internal;

namespace Micron.Tests.Security;

public class IpAllowListTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("::1", true)]
    public void Allows_MatchesAddressesAndRanges(string address, bool allowed)
        => new IpAllowList(["127.0.0.1", "10.0.0.0/8", "::1"]).Allows(IPAddress.Parse(address)).ShouldBe(allowed);

    [Fact]
    public void Empty_AllowsEveryone()
        => new IpAllowList([]).Allows(IPAddress.Parse("203.0.113.9")).ShouldBeTrue();

    [Fact]
    public void BadEntry_StopsTheStart()
        => Should.Throw<MicronStartupException>(() => new IpAllowList(["10.0.0.0/99"])).Message.ShouldBe("--allow-ip: '10.0.0.0/99' is not an IP address or a CIDR range");
}
