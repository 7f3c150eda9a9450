namespace Micron.Gateway.Middleware;

/// <summary>
/// The request a provided middleware decides on: what DESIGN section 6 sends over the wire (method, URL, headers and
/// the caller's address), the same whether the middleware runs in the consumer's host or remotely.
/// </summary>
/// <param name="Method">The request's HTTP method.</param>
/// <param name="Url">The request's path and query.</param>
/// <param name="Headers">The request's headers, by case-insensitive name, multiple values joined with <c>, </c>.</param>
/// <param name="RemoteAddress">The client's address, when known.</param>
public sealed record MiddlewareRequest(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string? RemoteAddress)
{
    /// <summary>Gets a cookie of the request.</summary>
    /// <param name="name">The cookie's name.</param>
    /// <returns>The cookie's value, or <see langword="null"/> when the request has none.</returns>
    public string? GetCookie(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Headers.TryGetValue("Cookie", out var header))
        {
            return null;
        }

        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part.AsSpan(0, equals).Trim().Equals(name, StringComparison.Ordinal))
            {
                return Uri.UnescapeDataString(part[(equals + 1)..].Trim());
            }
        }

        return null;
    }
}
