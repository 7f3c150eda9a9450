using System.Text.Json;
using Micron.Gateway.Middleware;
using Micron.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Micron.Gateway.Internal;

/// <summary>The provider's side of <c>POST /_micron/middleware/{service}/{name}</c>.</summary>
internal static class MiddlewareEndpoint
{
    public static async Task HandleAsync(HttpContext context, MiddlewareHandler handler)
    {
        var call = await context.Request.ReadJsonAsync<MiddlewareCall>(cancellationToken: context.RequestAborted).ConfigureAwait(false);

        if (call is null || string.IsNullOrEmpty(call.Method) || call.Url is null)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, "Invalid body", ErrorCodes.InvalidBody);
        }

        var headers = new Dictionary<string, string>(call.Headers ?? [], StringComparer.OrdinalIgnoreCase);
        var result = await handler(new MiddlewareRequest(call.Method, call.Url, headers, call.RemoteAddress), context.RequestAborted).ConfigureAwait(false);
        var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(result, json);
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
