using System.Text.Json;

namespace Micron.Gateway.Layout;

/// <summary>What the layout renders a page from: a layout component receives these as parameters of the same names.</summary>
/// <param name="Title">The page's title: the model's <c>title</c>, or the body's first <c>&lt;h1&gt;</c>, when there is one.</param>
/// <param name="Body">The service's HTML (text is encoded), or <see langword="null"/> for a JSON answer.</param>
/// <param name="Model">The service's JSON answer, or <see langword="null"/>.</param>
/// <param name="Path">The request's path.</param>
public sealed record LayoutPage(string? Title, string? Body, JsonElement? Model, string Path);
