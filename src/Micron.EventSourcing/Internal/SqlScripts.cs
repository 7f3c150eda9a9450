using System.Reflection;

namespace Micron.EventSourcing.Internal;

/// <summary>Reads the SQL of a store from its embedded <c>.sql</c> resources.</summary>
internal static class SqlScripts
{
    public static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded SQL '{name}' is missing from {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The migrations of a store, in order: resources named <c>{prefix}NNN_*.sql</c>, numbered from 1.</summary>
    public static IReadOnlyList<(int Version, string Sql)> Migrations(Assembly assembly, string prefix)
        => [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.Length > prefix.Length + 3 && char.IsDigit(n[prefix.Length]))
            .Select(n => (Version: int.Parse(n.AsSpan(prefix.Length, 3), System.Globalization.CultureInfo.InvariantCulture), Sql: Read(assembly, n)))
            .OrderBy(static m => m.Version)];
}
