namespace Micron.Hosting.Internal;

/// <summary>The form a setting's value takes, whether it comes from a flag, a variable or configuration.</summary>
internal enum SettingKind
{
    /// <summary>Any text.</summary>
    Text,

    /// <summary><c>500ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>, a number of seconds or <c>hh:mm:ss</c>.</summary>
    Duration,

    /// <summary>A duration longer than zero.</summary>
    PositiveDuration,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Switch,

    /// <summary>A whole number, zero or more.</summary>
    Count,

    /// <summary>A TCP or UDP port, 0 to 65535.</summary>
    Port,

    /// <summary>A size: a number of bytes or <c>512kb</c>, <c>16mb</c>, ...</summary>
    Size,

    /// <summary>An absolute <c>http://</c> or <c>https://</c> URL.</summary>
    Url,
}
