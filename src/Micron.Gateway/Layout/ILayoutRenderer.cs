namespace Micron.Gateway.Layout;

/// <summary>Renders a page inside the gateway's layout.</summary>
public interface ILayoutRenderer
{
    /// <summary>Renders the page.</summary>
    /// <param name="page">What to render.</param>
    /// <param name="cancellationToken">Cancels the rendering.</param>
    /// <returns>The whole HTML document.</returns>
    ValueTask<string> RenderAsync(LayoutPage page, CancellationToken cancellationToken);
}
