using System.Text.Json;
using Micron.Hosting;
using Micron.Http;
using Micron.Http.Internal;
using Micron.Rpc.Internal;
using Microsoft.Extensions.Options;

namespace Micron.Patterns.Internal;

/// <summary><c>POST /_micron/act</c>: runs this host's most specific handler of <c>{"pattern":"...","payload":...}</c>.</summary>
internal sealed class ActEndpoint(PatternTable table, IOptions<MicronOptions> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        var body = await context.Request.ReadBufferAsync(options.Value.MaxMessageSize, context.RequestAborted).ConfigureAwait(false);
        var json = MicroResponse.JsonOptions(context);
        MicronPatterns.ActEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<MicronPatterns.ActEnvelope>(body.Span, json);
        }
        catch (JsonException ex)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, "Invalid JSON", RpcHeaders.InvalidEnvelope, ex);
        }

        if (envelope is null || string.IsNullOrWhiteSpace(envelope.Pattern))
        {
            throw new HttpError(StatusCodes.Status400BadRequest, """the envelope must be {"pattern":"...","payload":...}""", RpcHeaders.InvalidEnvelope);
        }

        Pattern act;
        try
        {
            act = Pattern.Parse(envelope.Pattern);
        }
        catch (ArgumentException ex)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, ex.Message.Split(" (Parameter")[0], RpcHeaders.InvalidEnvelope, ex);
        }

        var handler = table.Best(act) ?? throw new PatternNotFoundException(act.Text);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(RpcEndpoint.Deadline(context.Request, options.Value.CallTimeout));

        object? result;
        try
        {
            result = await handler.InvokeAsync(envelope.Payload, json, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw new HttpError(StatusCodes.Status504GatewayTimeout, $"the handler of '{act}' did not finish within its deadline", RpcHeaders.DeadlineExceeded);
        }

        // Always JSON, even for a string result, so the caller reads any result the same way; none is 204.
        await (result is null
            ? MicroResponse.WriteAsync(context, null)
            : MicroResponse.WriteJsonAsync(context, result, result.GetType())).ConfigureAwait(false);
    }
}
