using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Micron.Hosting;
using Micron.Http;
using Micron.Http.Internal;
using Micron.Services.Internal;
using Microsoft.Extensions.Options;

namespace Micron.Rpc.Internal;

/// <summary>
/// <c>POST /_micron/rpc/{service}/{method}</c>: binds <c>{"args":{...}}</c> to a local service's contract method by
/// parameter name, runs it under the caller's deadline, and answers with the JSON result, 204 for none, or a problem.
/// </summary>
internal sealed class RpcEndpoint(LocalServices services, IOptions<MicronOptions> options)
{
    private static readonly TimeSpan LongestDeadline = TimeSpan.FromMinutes(10);

    public async Task HandleAsync(HttpContext context)
    {
        var service = (string)context.Request.RouteValues["service"]!;
        var name = (string)context.Request.RouteValues["method"]!;
        var target = services.Find(service)
            ?? throw new HttpError(StatusCodes.Status404NotFound, $"no service '{service}' runs here", RpcHeaders.ServiceNotFound);
        var method = target.Methods.GetValueOrDefault(name)
            ?? throw new HttpError(StatusCodes.Status404NotFound, $"service '{service}' has no method '{name}'", RpcHeaders.MethodNotFound);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var timeout = Deadline(context.Request, options.Value.CallTimeout);
        deadline.CancelAfter(timeout);

        var body = await context.Request.ReadBufferAsync(options.Value.MaxMessageSize, context.RequestAborted).ConfigureAwait(false);
        var args = Bind(method, $"{service}.{name}", body, MicroResponse.JsonOptions(context), deadline.Token);
        object? result;
        try
        {
            result = await method.AwaitResult(method.Method.Invoke(target.Instance, args)!).ConfigureAwait(false);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw new HttpError(StatusCodes.Status504GatewayTimeout, $"{service}.{name} did not finish within its deadline of {timeout.TotalMilliseconds:0} ms", RpcHeaders.DeadlineExceeded);
        }

        if (method.ResultType is null)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await MicroResponse.WriteJsonAsync(context, result, method.ResultType).ConfigureAwait(false);
    }

    /// <summary>The caller's remaining deadline from <c>Micron-Timeout</c>, at most 10 minutes; <paramref name="fallback"/> without one.</summary>
    /// <exception cref="HttpError">400 <c>invalid_envelope</c> when the header is not a positive number of milliseconds.</exception>
    public static TimeSpan Deadline(HttpRequest request, TimeSpan fallback)
    {
        var header = request.Headers[RpcHeaders.Timeout].ToString();
        if (header.Length == 0)
        {
            return fallback;
        }

        return int.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(Math.Min(ms, LongestDeadline.TotalMilliseconds))
            : throw new HttpError(StatusCodes.Status400BadRequest, $"{RpcHeaders.Timeout} must be a positive number of milliseconds", RpcHeaders.InvalidEnvelope);
    }

    private static object?[] Bind(ContractMethod method, string display, ReadOnlyMemory<byte> body, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, "Invalid JSON", RpcHeaders.InvalidEnvelope, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("args", out var supplied)
                || supplied.ValueKind != JsonValueKind.Object)
            {
                throw new HttpError(StatusCodes.Status400BadRequest, """the envelope must be {"args":{...}}""", RpcHeaders.InvalidEnvelope);
            }

            var parameters = method.Parameters;
            var args = new object?[parameters.Length];
            var seen = new bool[parameters.Length];
            foreach (var property in supplied.EnumerateObject())
            {
                var index = Array.FindIndex(parameters, p => p.ParameterType != typeof(CancellationToken) && string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    throw new HttpError(StatusCodes.Status400BadRequest, $"{display} has no parameter '{property.Name}'", RpcHeaders.InvalidArguments);
                }

                try
                {
                    args[index] = property.Value.Deserialize(parameters[index].ParameterType, json);
                    seen[index] = true;
                }
                catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
                {
                    throw new HttpError(StatusCodes.Status400BadRequest, $"argument '{parameters[index].Name}' of {display} is not a {parameters[index].ParameterType.Name}", RpcHeaders.InvalidArguments, ex);
                }
            }

            for (var i = 0; i < parameters.Length; i++)
            {
                if (i == method.CancellationIndex)
                {
                    args[i] = cancellationToken;
                }
                else if (!seen[i])
                {
                    args[i] = parameters[i].HasDefaultValue
                        ? parameters[i].DefaultValue
                        : throw new HttpError(StatusCodes.Status400BadRequest, $"{display} needs argument '{parameters[i].Name}'", RpcHeaders.InvalidArguments);
                }
            }

            return args;
        }
    }
}
