using Micron.Gateway.Internal;

namespace Micron.Tests.Gateway;

/// <summary>The default cap on client connections, from the process's descriptor limit.</summary>
public sealed class DescriptorBudgetTests
{
    [Theory]
    [InlineData(1024L, 384L)]
    [InlineData(1048576L, 524160L)]
    [InlineData(300L, 22L)]
    [InlineData(100L, 16L)]
    public void ClientConnections_AreHalfOfWhatTheReserveLeaves(long softLimit, long expected)
        => DescriptorBudget.FromLimit(softLimit).ShouldBe(expected);

    [Fact]
    public void UnknownLimit_MeansNoCap() => DescriptorBudget.FromLimit(null).ShouldBeNull();

    [Fact]
    public void SoftLimit_IsThisProcesssOwn()
    {
        var limits = File.ReadAllLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = limits.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];

        DescriptorBudget.SoftLimit().ShouldBe(soft == "unlimited" ? null : long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture));
    }
}
