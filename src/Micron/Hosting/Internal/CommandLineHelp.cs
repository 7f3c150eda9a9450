using System.Text;

namespace Micron.Hosting.Internal;

/// <summary>What <c>--help</c> prints: every flag with its variable and default, then the rules for the rest.</summary>
internal static class CommandLineHelp
{
    private const int Indent = 2;

    /// <summary>The help of a host: how to call it, then <see cref="Options"/>.</summary>
    public static string Write(string application, IReadOnlyList<Flag> appFlags)
        => $"Usage: {application} [options] [-- application arguments]{Environment.NewLine}{Environment.NewLine}" + Options("Options:", application, appFlags);

    /// <summary>The flags a host takes, under <paramref name="title"/>, then the rules for the rest of its command line.</summary>
    public static string Options(string title, string application, IReadOnlyList<Flag> appFlags)
    {
        List<(string Left, string Right)> micron = [("-h, --help", "print this help and exit")];
        micron.AddRange(MicronFlags.All.Where(static f => !f.IsNegated).Select(static f => Row(f, Array.Find(MicronFlags.All, n => n.IsNegated && n.Key == f.Key))));
        micron.Add(("    --environment NAME", "Development sends stack traces in error bodies and indents JSON (default: Production)"));
        var app = appFlags.Select(static f => Row(f, null)).ToList();
        var width = micron.Concat(app).Max(static r => r.Left.Length) + Indent;

        var text = new StringBuilder();
        Table(text, title, micron, width);
        if (app.Count > 0)
        {
            Table(text, $"Options of {application}:", app, width);
        }

        text.AppendLine("--Section:Key=value (or --Section:Key value) sets any configuration key:");
        text.AppendLine("  --Kestrel:Certificates:Default:Path=cert.pfx, --Logging:LogLevel:Default=Warning, --Micron:CallTimeout=10s.");
        text.AppendLine("ASP.NET Core's host settings are accepted too: --urls, --contentRoot, --applicationName, ...");
        text.AppendLine("Every option takes the form --option=value; a switch takes --switch=false. Durations: 500ms, 1s, 2m, 1h.");
        text.AppendLine("Arguments after -- are the application's own. See docs/spec/cli.md.");
        return text.ToString();
    }

    // A switch and its negation (--gateway, --no-gateway) share a row; a flag without a short name lines up after the short ones.
    private static (string Left, string Right) Row(Flag flag, Flag? negation)
    {
        var names = flag.Names.Length > 1 ? string.Join(", ", flag.Names) : "    " + flag.Names[0];
        if (negation is not null)
        {
            names += ", " + negation.Names[0];
        }

        var left = flag.Value is null ? names : $"{names} {flag.Value}";
        var right = flag.Help;
        if (flag.Variable is not null || flag.Default is not null)
        {
            var notes = new[] { flag.Variable is null ? null : "env " + flag.Variable, flag.Default is null ? null : "default: " + flag.Default };
            right += " (" + string.Join("; ", notes.OfType<string>()) + ")";
        }

        return (left, right);
    }

    private static void Table(StringBuilder text, string title, List<(string Left, string Right)> rows, int width)
    {
        text.AppendLine(title);
        foreach (var (left, right) in rows)
        {
            text.Append(' ', Indent).Append(left.PadRight(width)).AppendLine(right);
        }

        text.AppendLine();
    }
}
