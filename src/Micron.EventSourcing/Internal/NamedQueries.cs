namespace Micron.EventSourcing.Internal;

/// <summary>Splits a <c>.sql</c> resource into named statements (<c>-- name: x</c> lines start each one).</summary>
internal static class NamedQueries
{
    public static IReadOnlyDictionary<string, string> Parse(string sql)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        var text = new System.Text.StringBuilder();
        foreach (var line in sql.Split('\n'))
        {
            if (line.StartsWith("-- name:", StringComparison.Ordinal))
            {
                Flush();
                name = line["-- name:".Length..].Trim();
                continue;
            }

            text.Append(line).Append('\n');
        }

        Flush();
        return result;

        void Flush()
        {
            if (name is not null)
            {
                result[name] = text.ToString().Trim();
            }

            text.Clear();
        }
    }
}
