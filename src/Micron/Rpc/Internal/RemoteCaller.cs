using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Micron.Discovery;
using Micron.Hosting;
using Microsoft.Extensions.Options;

namespace Micron.Rpc.Internal;

/// <summary>
/// Makes one remote contract call: picks an instance (round robin), posts the signed envelope with the deadline,
/// and turns the answer into the result, a <see cref="RemoteServiceException"/> or a <see cref="TimeoutException"/>.
/// </summary>
internal sealed class RemoteCaller(
    ServiceRegistry registry,
    InstanceHealth health,
    MicronHttpClient http,
    IOptions<MicronOptions> options,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public Task<object?> CallAsync(string service, ContractMethod method, object?[] args)
    {
        var cancellationToken = method.CancellationIndex >= 0 ? (CancellationToken)args[method.CancellationIndex]! : default;
        return PostAsync(service, RpcHeaders.PathPrefix + service + "/" + method.Name, Envelope(method, args), method.ResultType, method.Idempotent, $"{service}.{method.Name}", cancellationToken);
    }

    /// <summary>Posts a signed body to an instance of <paramref name="service"/> under the call deadline and reads the answer.</summary>
    public async Task<object?> PostAsync(
        string service, string path, byte[] body, Type? resultType, bool idempotent, string display, CancellationToken cancellationToken)
    {
        var timeout = options.Value.CallTimeout;
        using var deadline = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        deadline.CancelAfter(timeout);
        var started = Environment.TickCount64;
        List<ServiceInstance> tried = [];
        while (true)
        {
            var instance = health.Choose(registry, service, tried)
                ?? throw new RemoteServiceException(StatusCodes.Status503ServiceUnavailable, RpcHeaders.ServiceUnavailable, $"no instance of service '{service}' is available");
            tried.Add(instance);
            var entry = health.For(instance);
            using var request = new HttpRequestMessage(HttpMethod.Post, entry.Target(instance.BaseUri, path))
            {
                Content = new Security.Internal.SignedBody(body) { Headers = { ContentType = Json } },
            };
            var remaining = Math.Max(1, timeout.TotalMilliseconds - (Environment.TickCount64 - started));
            request.Headers.TryAddWithoutValidation(RpcHeaders.Timeout, ((long)remaining).ToString(CultureInfo.InvariantCulture));
            entry.Enter();
            try
            {
                using var response = await entry.Pipeline.ExecuteAsync(
                    static (state, token) => new ValueTask<HttpResponseMessage>(state.Client.SendAsync(state.Request, token)),
                    (Client: http.Client, Request: request),
                    deadline.Token).ConfigureAwait(false);
                return await ReadAsync(response, instance, display, resultType, deadline.Token).ConfigureAwait(false);
            }
            catch (Polly.CircuitBreaker.BrokenCircuitException)
            {
                // The breaker opened between the choice and the call: nothing was sent, so another instance may take it.
                continue;
            }
            catch (HttpRequestException ex) when (!deadline.IsCancellationRequested)
            {
                registry.ReportUnreachable(instance);

                // A connection failure may come after the request was sent: only an idempotent call may run twice.
                if (!idempotent || tried.Count > 1)
                {
                    throw new RemoteServiceException(
                        StatusCodes.Status503ServiceUnavailable, RpcHeaders.InstanceUnreachable,
                        $"instance {instance.Id} of service '{service}' at {instance.BaseUri} could not be reached: {ex.Message}", ex);
                }
            }
            catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{display} did not answer within {timeout.TotalSeconds:0.###} s", ex);
            }
            finally
            {
                entry.Leave();
            }
        }
    }

    private byte[] Envelope(ContractMethod method, object?[] args)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("args");
            var parameters = method.Parameters;
            for (var i = 0; i < parameters.Length; i++)
            {
                if (i != method.CancellationIndex)
                {
                    writer.WritePropertyName(parameters[i].Name!);
                    JsonSerializer.Serialize(writer, args[i], parameters[i].ParameterType, json.Value.SerializerOptions);
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async Task<object?> ReadAsync(HttpResponseMessage response, ServiceInstance instance, string display, Type? resultType, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            if (resultType is null || response.StatusCode == System.Net.HttpStatusCode.NoContent)
            {
                return null;
            }

            // The answer is already buffered (SendAsync reads it whole): deserializing the bytes at once is cheaper than a stream.
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return JsonSerializer.Deserialize(bytes, resultType, json.Value.SerializerOptions);
            }
            catch (JsonException ex)
            {
                throw new RemoteServiceException(StatusCodes.Status502BadGateway, RpcHeaders.InvalidResponse, $"{display}: the answer is not a {resultType.Name}: {ex.Message}", ex);
            }
        }

        var status = (int)response.StatusCode;
        var (code, detail) = await PeerProblem.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (status == StatusCodes.Status504GatewayTimeout)
        {
            throw new TimeoutException(detail);
        }

        // The instance refused this host, not the call: say which instance, and why.
        throw new RemoteServiceException(status, code, $"{display}: {PeerProblem.Refusal(status, code, instance.Announcement.Url) ?? detail}");
    }
}
