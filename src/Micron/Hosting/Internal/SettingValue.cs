using System.Globalization;
using Micron.Http;

namespace Micron.Hosting.Internal;

/// <summary>
/// The one parser of each <see cref="SettingKind"/>: flags, <c>MICRON_*</c> variables and the <c>Micron</c> configuration
/// section all read their typed values here, and all say what is wrong the same way.
/// </summary>
internal static class SettingValue
{
    private static readonly (string Suffix, double Seconds)[] Units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    /// <summary>Checks <paramref name="value"/> and puts it in the form configuration binding reads.</summary>
    /// <param name="kind">The form expected.</param>
    /// <param name="value">The value as given.</param>
    /// <param name="normalized">The value to store: a duration as <c>hh:mm:ss</c>, a switch as <c>true</c>/<c>false</c>.</param>
    /// <param name="problem">What is wrong, for example <c>'often' is not a duration (use 500ms, 1s, 2m)</c>.</param>
    /// <returns><see langword="true"/> when the value has the form.</returns>
    public static bool TryNormalize(SettingKind kind, string value, out string normalized, out string problem)
    {
        normalized = value;
        problem = string.Empty;
        var text = value.Trim();
        switch (kind)
        {
            case SettingKind.Duration or SettingKind.PositiveDuration when TryParseDuration(text, out var duration):
                if (kind == SettingKind.PositiveDuration && duration <= TimeSpan.Zero)
                {
                    problem = $"'{value}' is not longer than zero";
                    return false;
                }

                normalized = duration.ToString("c", CultureInfo.InvariantCulture);
                return true;
            case SettingKind.Duration or SettingKind.PositiveDuration:
                problem = $"'{value}' is not a duration (use 500ms, 1s, 2m)";
                return false;
            case SettingKind.Switch when bool.TryParse(text, out var on):
                normalized = on ? "true" : "false";
                return true;
            case SettingKind.Switch:
                problem = $"'{value}' is not true or false";
                return false;
            case SettingKind.Count when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _):
                return true;
            case SettingKind.Count:
                problem = $"'{value}' is not a whole number";
                return false;
            case SettingKind.Port when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                return true;
            case SettingKind.Port:
                problem = $"'{value}' is not a port (0 to 65535)";
                return false;
            case SettingKind.Size when BodyLimit.TryParse(text, out _):
                return true;
            case SettingKind.Size:
                problem = $"'{value}' is not a size (use a number of bytes, 512kb, 16mb)";
                return false;
            case SettingKind.Url when Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host.Length > 0:
                return true;
            case SettingKind.Url:
                problem = $"'{value}' is not an http:// or https:// URL";
                return false;
            default:
                return true;
        }
    }

    /// <summary>Parses a duration such as <c>500ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, <c>30</c> (seconds) or <c>00:00:30</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        var span = text.AsSpan().Trim();
        foreach (var (suffix, seconds) in Units)
        {
            if (span.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(span[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return TrySeconds(value * seconds, out duration);
            }
        }

        if (double.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var plain))
        {
            return TrySeconds(plain, out duration);
        }

        return TimeSpan.TryParse(span, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }

    private static bool TrySeconds(double seconds, out TimeSpan duration)
    {
        var fits = seconds < TimeSpan.MaxValue.TotalSeconds;
        duration = fits ? TimeSpan.FromSeconds(seconds) : default;
        return fits;
    }
}
