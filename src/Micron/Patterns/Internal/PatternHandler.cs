using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Micron.Internal;

namespace Micron.Patterns.Internal;

/// <summary>A service's handler of one pattern: takes at most one payload parameter and a cancellation token.</summary>
internal sealed class PatternHandler
{
    private readonly Delegate _handler;
    private readonly ParameterInfo[] _parameters;
    private readonly int _payloadIndex;

    /// <exception cref="ArgumentException">The handler takes more than one payload parameter.</exception>
    public PatternHandler(string service, Pattern pattern, Delegate handler)
    {
        Service = service;
        Pattern = pattern;
        _handler = handler;
        _parameters = handler.Method.GetParameters();
        var payloads = _parameters.Where(static p => p.ParameterType != typeof(CancellationToken)).ToList();
        if (payloads.Count > 1)
        {
            throw new ArgumentException($"the handler of pattern '{pattern}' takes {payloads.Count} payload parameters; it takes one at most", nameof(handler));
        }

        _payloadIndex = payloads.Count == 1 ? Array.IndexOf(_parameters, payloads[0]) : -1;
    }

    public string Service { get; }

    public Pattern Pattern { get; }

    /// <summary>Runs the handler; the payload is passed as is when it has the parameter's type, else converted through JSON.</summary>
    public async Task<object?> InvokeAsync(object? payload, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var args = new object?[_parameters.Length];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = i == _payloadIndex ? Convert(payload, _parameters[i].ParameterType, json)
                : _parameters[i].ParameterType == typeof(CancellationToken) ? cancellationToken
                : null;
        }

        object? returned;
        try
        {
            returned = _handler.DynamicInvoke(args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        return await Awaited(returned).ConfigureAwait(false);
    }

    public static object? Convert(object? value, Type type, JsonSerializerOptions json)
    {
        if (value is null || type.IsInstanceOfType(value))
        {
            return value;
        }

        try
        {
            var element = value is JsonElement e ? e : JsonSerializer.SerializeToElement(value, value.GetType(), json);
            return element.Deserialize(type, json);
        }
        catch (JsonException ex)
        {
            throw new Http.HttpError(StatusCodes.Status400BadRequest, $"the payload is not a {type.Name}: {ex.Message}", "invalid_payload", ex);
        }
    }

    private static async Task<object?> Awaited(object? returned)
        => TaskResult.AsTask(returned) is { } task ? (await TaskResult.AwaitAsync(task).ConfigureAwait(false)).Value : returned;
}
