namespace Micron.Cli;

/// <summary>A failure the CLI explains in one line, with exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);
