namespace Micron.Hosting.Internal;

/// <summary>A flag the command line accepts: one of Micron's, or one the application declared.</summary>
/// <param name="Names">Its names, the short one first: <c>-l</c>, <c>--listen</c>.</param>
/// <param name="Key">The configuration key it sets.</param>
/// <param name="Kind">The form of its value.</param>
/// <param name="Help">What it does, for <c>--help</c>.</param>
internal sealed record Flag(string[] Names, string Key, SettingKind Kind, string Help)
{
    /// <summary>Gets whether it may be repeated, each value a <c>Key:N</c> entry.</summary>
    public bool IsList { get; init; }

    /// <summary>Gets whether it turns its key off (<c>--no-gateway</c>).</summary>
    public bool IsNegated { get; init; }

    /// <summary>Gets what <c>--help</c> calls its value (<c>URI</c>); <see langword="null"/> for a switch.</summary>
    public string? Value { get; init; }

    /// <summary>Gets the default <c>--help</c> shows.</summary>
    public string? Default { get; init; }

    /// <summary>Gets the environment variable that sets it when the flag is not given.</summary>
    public string? Variable { get; init; }

    public bool IsSwitch => Kind == SettingKind.Switch;

    /// <summary>The flag an application declared.</summary>
    public static Flag Of(CommandLineFlag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        if (flag.Name.Length < 2 || flag.Name[0] != '-' || (flag.Name[1] != '-' && flag.Name.Length != 2) || flag.Name.Contains('=', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{flag.Name}' is not a flag name: use --name or -n", nameof(flag));
        }

        return new Flag([flag.Name], flag.Key, flag.IsSwitch ? SettingKind.Switch : SettingKind.Text, flag.Description)
        {
            Value = flag.IsSwitch ? null : "VALUE",
            Default = flag.Default,
        };
    }
}
