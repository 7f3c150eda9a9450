namespace Micron.Hosting;

/// <summary>
/// A flag of the application's own, declared in <see cref="MicronApplicationOptions.Flags"/>: accepted beside Micron's
/// flags (an unknown one stops the start), listed by <c>--help</c>, and its value set as the configuration key
/// <see cref="Key"/>, so the application reads it as <c>builder.Configuration["Greeting"]</c>.
/// </summary>
/// <param name="Name">The flag with its dashes: <c>--greeting</c>, or one letter, <c>-g</c>.</param>
/// <param name="Key">The configuration key its value sets, for example <c>Greeting</c>.</param>
/// <param name="Description">What it does, for <c>--help</c>.</param>
public sealed record CommandLineFlag(string Name, string Key, string Description)
{
    /// <summary>
    /// Gets whether the flag takes no value: <c>--verbose</c> sets its key to <c>true</c>, <c>--verbose=false</c> to
    /// <c>false</c>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the flag takes a value, <c>--greeting Hi</c> or <c>--greeting=Hi</c>.</value>
    public bool IsSwitch { get; init; }

    /// <summary>Gets the default <c>--help</c> shows.</summary>
    /// <value>The default value is <see langword="null"/>: none is shown.</value>
    public string? Default { get; init; }
}
