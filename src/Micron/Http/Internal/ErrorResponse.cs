using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Micron.Http.Internal;

/// <summary>Maps exceptions to a status, code and message, and writes them as problem JSON or plain text.</summary>
internal static class ErrorResponse
{
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    private static readonly ConcurrentDictionary<Type, Func<Exception, int?>> StatusReaders = new();

    /// <summary>What the client is told about <paramref name="exception"/>: micro's rules plus a code.</summary>
    public static (int Status, string Code, string Message) Describe(Exception exception) => exception switch
    {
        HttpError error => (error.StatusCode, error.Code, error.Message),
        Rpc.RemoteServiceException remote => (remote.StatusCode, remote.Code, remote.Message),
        _ when StatusOf(exception) is { } status => (status, ErrorCodes.FromStatus(status), exception.Message),
        _ => (StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, ReasonPhrases.GetReasonPhrase(500)),
    };

    public static Task WriteAsync(HttpContext context, int status, string code, string message, Exception? exception)
    {
        var services = context.RequestServices;
        var options = services?.GetService<IOptions<MicronHttpOptions>>()?.Value ?? new MicronHttpOptions();
        var details = exception is not null
            && (options.IncludeExceptionDetails ?? services?.GetService<IHostEnvironment>()?.IsDevelopment() ?? false);
        var (body, contentType) = Encode(
            options, MicroResponse.JsonOptions(context), status, code, message, Activity.Current?.Id ?? context.TraceIdentifier, details ? exception!.ToString() : null);

        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = options.ErrorFormat == ErrorFormat.PlainText ? response.ContentType ?? contentType : contentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>
    /// An error's body in the host's format: the message as plain text (or <paramref name="stack"/>, when given), or a
    /// problem document.
    /// </summary>
    /// <returns>The body's bytes and its content type.</returns>
    private static (byte[] Body, string ContentType) Encode(
        MicronHttpOptions options, JsonSerializerOptions json, int status, string code, string message, string traceId, string? stack)
    {
        if (options.ErrorFormat == ErrorFormat.PlainText)
        {
            return (Encoding.UTF8.GetBytes(stack ?? message), MicroResponse.TextContentType);
        }

        var problem = new ProblemDocument(
            Type: "about:blank",
            Title: ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } title ? title : "Error",
            Status: status,
            Detail: message,
            Code: code,
            TraceId: traceId,
            Stack: stack);
        return (JsonSerializer.SerializeToUtf8Bytes(problem, json), ProblemContentType);
    }

    // micro's `err.statusCode || err.status`: any exception with such a property carries its own status.
    private static int? StatusOf(Exception exception)
        => StatusReaders.GetOrAdd(exception.GetType(), static type =>
        {
            var property = type.GetProperty("StatusCode", BindingFlags.Public | BindingFlags.Instance)
                ?? type.GetProperty("Status", BindingFlags.Public | BindingFlags.Instance);
            if (property is null || property.PropertyType != typeof(int) || property.GetIndexParameters().Length != 0)
            {
                return static _ => null;
            }

            return e => property.GetValue(e) is int status and >= 400 and <= 599 ? status : null;
        })(exception);
}
