using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging;

namespace Micron.Gateway.Layout.Internal;

/// <summary>A layout that is a Razor component, rendered to a string with <see cref="HtmlRenderer"/>.</summary>
internal sealed class ComponentLayout : ILayoutRenderer, IAsyncDisposable
{
    private readonly Type _component;
    private readonly HtmlRenderer _renderer;
    private readonly HashSet<string> _parameters;

    public ComponentLayout(Type component, IServiceProvider services, ILoggerFactory loggers)
    {
        _component = component;
        _renderer = new HtmlRenderer(services, loggers);

        // Only the parameters the component declares are passed: a component rejects unknown ones.
        _parameters = new HashSet<string>(
            component.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(static p => p.IsDefined(typeof(ParameterAttribute), inherit: true))
                .Select(static p => p.Name),
            StringComparer.Ordinal);
    }

    public async ValueTask<string> RenderAsync(LayoutPage page, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        Add(nameof(LayoutPage.Title), page.Title);
        Add(nameof(LayoutPage.Body), page.Body is null ? null : new MarkupString(page.Body));
        Add(nameof(LayoutPage.Model), page.Model);
        Add(nameof(LayoutPage.Path), page.Path);
        return await _renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await _renderer.RenderComponentAsync(_component, ParameterView.FromDictionary(values)).ConfigureAwait(false);
            return output.ToHtmlString();
        }).ConfigureAwait(false);

        void Add(string name, object? value)
        {
            if (_parameters.Contains(name))
            {
                values[name] = value;
            }
        }
    }

    public ValueTask DisposeAsync() => _renderer.DisposeAsync();
}
