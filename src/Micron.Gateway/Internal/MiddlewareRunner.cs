using System.Net.Http.Headers;
using System.Text.Json;
using Micron.Discovery;
using Micron.Gateway.Middleware;
using Micron.Http;
using Micron.Rpc.Internal;
using Micron.Security.Internal;
using Microsoft.Extensions.Options;

namespace Micron.Gateway.Internal;

/// <summary>
/// Runs a middleware a route requires: a direct call when a local service provides it, else the protocol of DESIGN
/// section 6 with an instance of the providing service. Any failure of the provider is a 502, never a pass-through.
/// </summary>
internal sealed class MiddlewareRunner(
    MiddlewareProviders providers,
    ServiceRegistry registry,
    InstanceHealth health,
    MicronHttpClient http,
    IOptions<GatewayOptions> options)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>Runs the middleware; <see langword="true"/> when the request goes on to the route.</summary>
    public async ValueTask<bool> RunAsync(HttpContext context, string name)
    {
        var aborted = context.RequestAborted;
        object? user;
        IReadOnlyDictionary<string, string>? headers;
        if (providers.Find(name) is { } local)
        {
            MiddlewareResult result;
            try
            {
                result = await local(Describe(context), aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (!aborted.IsCancellationRequested)
            {
                throw Failed(name, $"the provider threw {ex.GetType().Name}: {ex.Message}", ex);
            }

            if (result.Action == "respond")
            {
                await RespondAsync(context, name, result.Status, result.Headers, result.Body).ConfigureAwait(false);
                return false;
            }

            (user, headers) = result.Action == "continue" ? (result.User, result.Headers) : throw Failed(name, $"unknown action '{result.Action}'", null);
        }
        else
        {
            var answer = await CallRemoteAsync(context, name).ConfigureAwait(false);
            if (answer.Action == "respond")
            {
                await RespondAsync(context, name, answer.Status, answer.Headers, answer.Body).ConfigureAwait(false);
                return false;
            }

            if (answer.Action != "continue")
            {
                throw Failed(name, $"unknown action '{answer.Action}'", null);
            }

            user = answer.User is { ValueKind: not JsonValueKind.Null } json ? json : null;
            headers = answer.Headers;
        }

        context.Features.Set(new MicronUserFeature(user));
        if (headers is not null)
        {
            foreach (var (key, value) in headers)
            {
                context.Request.Headers[key] = value;
            }
        }

        return true;
    }

    internal static MiddlewareRequest Describe(HttpContext context)
    {
        var request = context.Request;
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        return new MiddlewareRequest(request.Method, request.Path.ToUriComponent() + request.QueryString.Value, headers, context.Connection.RemoteIpAddress?.ToString());
    }

    private async Task<MiddlewareAnswer> CallRemoteAsync(HttpContext context, string name)
    {
        var provider = registry.All.FirstOrDefault(i => !i.IsLocal && i.Announcement.Middleware.Contains(name, StringComparer.OrdinalIgnoreCase))
            ?? throw Failed(name, "no instance of a service that provides it is available", null);
        var request = Describe(context);
        var call = new MiddlewareCall(request.Method, request.Url, new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase), request.RemoteAddress);
        var body = JsonSerializer.SerializeToUtf8Bytes(call);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(options.Value.MiddlewareTimeout);
        List<ServiceInstance> tried = [];
        while (true)
        {
            // The same choice as forwarding and remote calls: the balancing policy, skipping instances whose circuit is open.
            var instance = health.Choose(registry, provider.Service, tried, remoteOnly: true)
                ?? throw Failed(name, tried.Count == 0 ? $"no instance of '{provider.Service}' is available" : $"no instance of '{provider.Service}' answered", null);
            tried.Add(instance);
            var entry = health.For(instance);
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(instance.BaseUri, $"/_micron/middleware/{instance.Service}/{Uri.EscapeDataString(name)}"))
            {
                Content = new SignedBody(body) { Headers = { ContentType = Json } },
            };
            entry.Enter();
            try
            {
                using var response = await entry.Pipeline.ExecuteAsync(
                    static (state, token) => new ValueTask<HttpResponseMessage>(state.Client.SendAsync(state.Message, token)),
                    (http.Client, Message: message),
                    deadline.Token).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw Failed(name, $"instance {instance.Id} of '{instance.Service}' answered {(int)response.StatusCode}", null);
                }

                return JsonSerializer.Deserialize<MiddlewareAnswer>(text) ?? throw Failed(name, "the answer was null", null);
            }
            catch (Polly.CircuitBreaker.BrokenCircuitException)
            {
                // The breaker opened between the choice and the call: nothing was sent.
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && !deadline.IsCancellationRequested)
            {
                // Nothing was decided: another instance of the provider may decide instead.
                registry.ReportUnreachable(instance);
                if (tried.Count > 1)
                {
                    throw Failed(name, $"instance {instance.Id} of '{instance.Service}': {ex.Message}", ex);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                throw Failed(name, $"instance {instance.Id} of '{instance.Service}': {ex.Message}", ex);
            }
            finally
            {
                entry.Leave();
            }
        }
    }

    private static async Task RespondAsync(HttpContext context, string name, int? status, IReadOnlyDictionary<string, string>? headers, string? body)
    {
        if (status is not (>= 200 and <= 599))
        {
            throw Failed(name, $"it answered 'respond' with status {status}", null);
        }

        var response = context.Response;
        response.StatusCode = status.Value;
        if (headers is not null)
        {
            foreach (var (key, value) in headers)
            {
                response.Headers[key] = value;
            }
        }

        if (!string.IsNullOrEmpty(body))
        {
            response.ContentType ??= "text/plain; charset=utf-8";
            await response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static HttpError Failed(string name, string reason, Exception? inner)
        => new(StatusCodes.Status502BadGateway, $"middleware '{name}' failed: {reason}", ErrorCodes.MiddlewareFailed, inner);
}
