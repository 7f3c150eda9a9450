using Microsoft.Extensions.Logging;

namespace Micron.Http.Internal;

/// <summary>
/// The outermost Micron middleware: turns exceptions into error responses (micro's <c>sendError</c>) and answers
/// a request no route matched with a 404 problem.
/// </summary>
internal sealed partial class MicronErrorMiddleware(RequestDelegate next, ILogger<MicronErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            LogClientAborted(logger, context.Request.Method, context.Request.Path);
            return;
        }
        catch (Exception ex)
        {
            await HandleAsync(context, ex).ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        if (response.StatusCode == StatusCodes.Status404NotFound
            && !response.HasStarted
            && response.ContentType is null
            && context.GetEndpoint() is null)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Not Found", null).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context, Exception exception)
    {
        var (status, code, message) = ErrorResponse.Describe(exception);
        if (status >= StatusCodes.Status500InternalServerError && exception is HttpError)
        {
            // An error the code raised on purpose (an instance that failed, a service with no instance): one line.
            LogServerFailure(logger, context.Request.Method, context.Request.Path, status, code, message);
        }
        else if (status >= StatusCodes.Status500InternalServerError)
        {
            LogServerError(logger, exception, context.Request.Method, context.Request.Path, status);
        }
        else
        {
            LogClientError(logger, exception, context.Request.Method, context.Request.Path, status, message);
        }

        if (context.Response.HasStarted)
        {
            // Part of the answer is on the wire: the only honest signal left is to cut the connection.
            LogResponseStarted(logger, context.Request.Method, context.Request.Path);
            context.Abort();
            return;
        }

        context.Response.Clear();
        await ErrorResponse.WriteAsync(context, status, code, message, exception).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} failed with {Status}")]
    private static partial void LogServerError(ILogger logger, Exception exception, string method, PathString path, int status);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status} {Code}: {Message}")]
    private static partial void LogServerFailure(ILogger logger, string method, PathString path, int status, string code, string message);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Method} {Path} answered {Status}: {Message}")]
    private static partial void LogClientError(ILogger logger, Exception exception, string method, PathString path, int status, string message);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Method} {Path} failed after the response started; the connection was aborted")]
    private static partial void LogResponseStarted(ILogger logger, string method, PathString path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "{Method} {Path}: the client went away")]
    private static partial void LogClientAborted(ILogger logger, string method, PathString path);
}
