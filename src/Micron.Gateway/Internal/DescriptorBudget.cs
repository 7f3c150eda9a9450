using System.Globalization;

namespace Micron.Gateway.Internal;

/// <summary>
/// How many client connections the process can hold without running out of file descriptors. A .NET process that runs
/// out cannot start a thread or load an assembly and ends with "Out of memory."; so unless
/// <see cref="GatewayOptions.MaxConnections"/> says otherwise, Kestrel keeps client connections to half of what the soft
/// limit leaves after a reserve (the other half for connections to instances), and closes more at once.
/// </summary>
internal static class DescriptorBudget
{
    /// <summary>Descriptors left for the runtime, assemblies, logs, stores and discovery.</summary>
    public const long Reserve = 256;

    /// <summary>Gets the cap on client connections, or <see langword="null"/> where the limit is unknown or unlimited.</summary>
    public static long? ClientConnections { get; } = FromLimit(SoftLimit());

    internal static long? FromLimit(long? softLimit)
        => softLimit is { } limit ? Math.Max(16, (limit - Reserve) / 2) : null;

    /// <summary>Reads the soft <c>Max open files</c> of this process from <c>/proc/self/limits</c> (Linux).</summary>
    internal static long? SoftLimit()
    {
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                return null;
            }

            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
