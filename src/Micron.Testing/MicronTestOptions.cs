namespace Micron.Testing;

/// <summary>How a <see cref="MicronTestCluster"/> starts.</summary>
public sealed class MicronTestOptions
{
    /// <summary>
    /// Gets or sets the application's built entry assembly (a <c>.dll</c> run with <c>dotnet</c>) whose <c>Program</c>
    /// registers the same services; required for <see cref="TestMode.MultiProcess"/>.
    /// </summary>
    public string? Executable { get; set; }

    /// <summary>Gets or sets how long a host may take to start.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets extra command-line arguments for every host.</summary>
    public IList<string> Arguments { get; } = [];
}
