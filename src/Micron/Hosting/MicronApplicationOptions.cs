namespace Micron.Hosting;

/// <summary>What <see cref="MicronApplication.CreateBuilder(MicronApplicationOptions)"/> builds a host from.</summary>
public sealed class MicronApplicationOptions
{
    /// <summary>Gets the command line: Micron's flags, ASP.NET Core's and the application's own (see <c>docs/spec/cli.md</c>).</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Gets the application's own flags, accepted beside Micron's and listed by <c>--help</c>.</summary>
    public IList<CommandLineFlag> Flags { get; } = [];
}
