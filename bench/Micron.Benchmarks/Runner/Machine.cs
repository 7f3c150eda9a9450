using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Micron.Benchmarks.Runner;

/// <summary>Describes the machine a run was measured on, for the top of the table.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memory = ReadField("/proc/meminfo", "MemTotal");
        var os = ReadField("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription;
        var node = Version("node", "--version") ?? "not installed";
        return $"{os}; {cpu}, {Environment.ProcessorCount} logical cores; memory {memory ?? "unknown"}; "
            + $"{RuntimeInformation.FrameworkDescription}; Node {node}";
    }

    public static string? Version(string command, string flag)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, flag) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string? ReadField(string path, string name, char separator = ':')
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && line[..at].Trim() == name)
            {
                return line[(at + 1)..].Trim();
            }
        }

        return null;
    }
}
