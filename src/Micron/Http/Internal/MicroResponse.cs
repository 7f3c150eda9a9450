using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Micron.Http.Internal;

/// <summary>
/// Turns a handler's return value into a response, as micro's <c>send</c> does: <see langword="null"/> is 204,
/// a string is text, bytes and streams are <c>application/octet-stream</c>, anything else is JSON. A status or
/// <c>Content-Type</c> the handler already set is kept.
/// </summary>
internal static class MicroResponse
{
    public const string TextContentType = "text/plain; charset=utf-8";
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string BinaryContentType = "application/octet-stream";

    public static Task WriteAsync(HttpContext context, object? value) => value switch
    {
        null => WriteNoContent(context),
        IResult result => result.ExecuteAsync(context),
        string text => WriteTextAsync(context, text),
        byte[] bytes => WriteBytesAsync(context, bytes),
        ReadOnlyMemory<byte> memory => WriteBytesAsync(context, memory),
        Memory<byte> memory => WriteBytesAsync(context, memory),
        ArraySegment<byte> segment => WriteBytesAsync(context, segment),
        Stream stream => WriteStreamAsync(context, stream),
        PipeReader reader => WritePipeAsync(context, reader),
        _ => WriteJsonAsync(context, value, value.GetType()),
    };

    public static Task WriteTextAsync(HttpContext context, string text)
    {
        var response = context.Response;
        response.ContentType ??= TextContentType;
        response.ContentLength = Encoding.UTF8.GetByteCount(text);
        return response.WriteAsync(text, context.RequestAborted);
    }

    public static JsonSerializerOptions JsonOptions(HttpContext context)
        => context.RequestServices?.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions
            ?? JsonSerializerOptions.Web;

    private static Task WriteNoContent(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static Task WriteBytesAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        var response = context.Response;
        response.ContentType ??= BinaryContentType;
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    private static async Task WriteStreamAsync(HttpContext context, Stream stream)
    {
        await using (stream.ConfigureAwait(false))
        {
            context.Response.ContentType ??= BinaryContentType;
            if (stream.CanSeek)
            {
                context.Response.ContentLength = stream.Length - stream.Position;
            }

            await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task WritePipeAsync(HttpContext context, PipeReader reader)
    {
        context.Response.ContentType ??= BinaryContentType;
        await reader.CopyToAsync(context.Response.BodyWriter, context.RequestAborted).ConfigureAwait(false);
        await reader.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="value"/> as JSON of <paramref name="type"/>, whatever its runtime type (a string included).</summary>
    // Serialized in full before anything is sent, so a value that cannot be serialized (a cycle) still gets a clean 500.
    public static Task WriteJsonAsync(HttpContext context, object? value, Type type)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type, JsonOptions(context));
        var response = context.Response;
        response.ContentType ??= JsonContentType;
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }
}
