using System.Globalization;

namespace Micron.Http;

/// <summary>
/// The largest request body a reader accepts: a number of bytes or a size such as <c>"1mb"</c>
/// (units <c>b</c>, <c>kb</c>, <c>mb</c>, <c>gb</c>, <c>tb</c>, powers of 1024, case-insensitive, decimals allowed).
/// </summary>
/// <remarks>The limit keeps the text it was given, so errors quote it as written: <c>Body exceeded 1mb limit</c>.</remarks>
[System.ComponentModel.TypeConverter(typeof(Internal.BodyLimitConverter))]
public readonly struct BodyLimit : IEquatable<BodyLimit>
{
    private readonly string? _text;

    private BodyLimit(long bytes, string text)
    {
        Bytes = bytes;
        _text = text;
    }

    /// <summary>Gets the default limit, <c>1mb</c>.</summary>
    public static BodyLimit Default { get; } = new(1024 * 1024, "1mb");

    /// <summary>Gets the limit in bytes.</summary>
    public long Bytes { get; }

    /// <summary>Creates a limit of <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">The limit in bytes, zero or more.</param>
    /// <returns>The limit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    public static BodyLimit FromBytes(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return new BodyLimit(bytes, bytes.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Parses a limit such as <c>"1mb"</c>, <c>"512 KB"</c>, <c>"1.5mb"</c> or <c>"100"</c> (bytes).</summary>
    /// <param name="text">The limit.</param>
    /// <returns>The limit.</returns>
    /// <exception cref="FormatException"><paramref name="text"/> is not a size.</exception>
    public static BodyLimit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var limit)
            ? limit
            : throw new FormatException($"'{text}' is not a body size; use a number of bytes or a size such as '1mb'.");
    }

    /// <summary>Tries to parse a limit such as <c>"1mb"</c>.</summary>
    /// <param name="text">The limit.</param>
    /// <param name="limit">The parsed limit.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a size.</returns>
    public static bool TryParse(string? text, out BodyLimit limit)
    {
        limit = default;
        var span = text.AsSpan().Trim();
        var unitStart = span.Length;
        while (unitStart > 0 && char.IsAsciiLetter(span[unitStart - 1]))
        {
            unitStart--;
        }

        var number = span[..unitStart].TrimEnd();
        var multiplier = Multiplier(span[unitStart..]);
        if (multiplier == 0
            || number.IsEmpty
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var bytes = Math.Floor(value * multiplier);
        if (bytes > long.MaxValue)
        {
            return false;
        }

        limit = new BodyLimit((long)bytes, text!.Trim());
        return true;
    }

    /// <summary>Converts a number of bytes to a limit.</summary>
    /// <param name="bytes">The limit in bytes.</param>
    public static implicit operator BodyLimit(long bytes) => FromBytes(bytes);

    /// <summary>Converts a size such as <c>"1mb"</c> to a limit.</summary>
    /// <param name="text">The limit.</param>
    public static implicit operator BodyLimit(string text) => Parse(text);

    /// <summary>Compares two limits by their size in bytes.</summary>
    /// <param name="left">The first limit.</param>
    /// <param name="right">The second limit.</param>
    public static bool operator ==(BodyLimit left, BodyLimit right) => left.Equals(right);

    /// <summary>Compares two limits by their size in bytes.</summary>
    /// <param name="left">The first limit.</param>
    /// <param name="right">The second limit.</param>
    public static bool operator !=(BodyLimit left, BodyLimit right) => !left.Equals(right);

    /// <summary>Returns the limit as it was written, for example <c>1mb</c>.</summary>
    /// <returns>The limit's text.</returns>
    public override string ToString() => _text ?? Bytes.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(BodyLimit other) => Bytes == other.Bytes;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BodyLimit other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Bytes.GetHashCode();

    private static long Multiplier(ReadOnlySpan<char> unit)
    {
        if (unit.IsEmpty || unit.Equals("b", StringComparison.OrdinalIgnoreCase))
        {
            return 1;
        }

        if (unit.Equals("kb", StringComparison.OrdinalIgnoreCase))
        {
            return 1L << 10;
        }

        if (unit.Equals("mb", StringComparison.OrdinalIgnoreCase))
        {
            return 1L << 20;
        }

        if (unit.Equals("gb", StringComparison.OrdinalIgnoreCase))
        {
            return 1L << 30;
        }

        return unit.Equals("tb", StringComparison.OrdinalIgnoreCase) ? 1L << 40 : 0;
    }
}
