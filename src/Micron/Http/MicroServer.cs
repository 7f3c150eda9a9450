using Micron.Hosting;
using Micron.Http.Internal;
using Micron.Internal;
using Microsoft.AspNetCore.Builder;

namespace Micron.Http;

/// <summary>
/// A one-function HTTP server, as zeit micro: every request goes to one handler, and what it returns becomes the
/// response (<see langword="null"/> is 204, a string is text, an object or number is JSON, bytes and streams are
/// <c>application/octet-stream</c>). Listens where <c>--listen</c> says (default <c>tcp://0.0.0.0:3000</c>).
/// </summary>
public static class MicroServer
{
    /// <summary>Runs a server whose handler returns the response's value.</summary>
    /// <param name="args">The command line (<c>-l</c>/<c>--listen</c>, <c>--environment</c>, ...).</param>
    /// <param name="handler">Returns the value to send.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <returns>A task that completes when the server has stopped; a failed start sets the exit code to 1.</returns>
    public static Task RunAsync(string[] args, Func<HttpContext, object?> handler, CancellationToken cancellationToken = default)
        => Create(args, handler).RunAsync(cancellationToken);

    /// <summary>Runs a server whose asynchronous handler returns the response's value.</summary>
    /// <param name="args">The command line (<c>-l</c>/<c>--listen</c>, <c>--environment</c>, ...).</param>
    /// <param name="handler">Returns the value to send.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <returns>A task that completes when the server has stopped; a failed start sets the exit code to 1.</returns>
    public static Task RunAsync(string[] args, Func<HttpContext, Task<object?>> handler, CancellationToken cancellationToken = default)
        => Create(args, handler).RunAsync(cancellationToken);

    /// <summary>Runs a server whose handler writes the response itself.</summary>
    /// <param name="args">The command line (<c>-l</c>/<c>--listen</c>, <c>--environment</c>, ...).</param>
    /// <param name="handler">Writes the response.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    /// <returns>A task that completes when the server has stopped; a failed start sets the exit code to 1.</returns>
    public static Task RunAsync(string[] args, Func<HttpContext, Task> handler, CancellationToken cancellationToken = default)
        => Create(args, handler).RunAsync(cancellationToken);

    /// <summary>Builds, without starting, a server whose handler returns the response's value.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="handler">Returns the value to send.</param>
    /// <returns>The application, to start, test or extend.</returns>
    public static MicronApplication Create(string[] args, Func<HttpContext, object?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(args, ToRequestDelegate(handler));
    }

    /// <summary>Builds, without starting, a server whose asynchronous handler returns the response's value.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="handler">Returns the value to send.</param>
    /// <returns>The application, to start, test or extend.</returns>
    public static MicronApplication Create(string[] args, Func<HttpContext, Task<object?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(args, ToRequestDelegate(handler));
    }

    /// <summary>Builds, without starting, a server whose handler writes the response itself.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="handler">Writes the response.</param>
    /// <returns>The application, to start, test or extend.</returns>
    public static MicronApplication Create(string[] args, Func<HttpContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(args, context => handler(context));
    }

    /// <summary>A request delegate that sends what <paramref name="handler"/> returns.</summary>
    internal static RequestDelegate ToRequestDelegate(Func<HttpContext, object?> handler) => context =>
    {
        var value = handler(context);
        return TaskResult.AsTask(value) is { } task ? TaskValueAsync(context, task) : MicroResponse.WriteAsync(context, value);
    };

    /// <summary>A request delegate that sends what <paramref name="handler"/> completes with.</summary>
    internal static RequestDelegate ToRequestDelegate(Func<HttpContext, Task<object?>> handler)
        => async context => await MicroResponse.WriteAsync(context, await handler(context).ConfigureAwait(false)).ConfigureAwait(false);

    private static MicronApplication Build(string[] args, RequestDelegate handler)
    {
        var app = MicronApplication.CreateBuilder(args).Build();
        app.Map("/{**path}", handler);
        return app;
    }

    // A synchronous handler may still hand back a task or a value task (`ctx => Task.FromResult(x)`): send what it completes with.
    private static async Task TaskValueAsync(HttpContext context, Task task)
    {
        var (hasValue, value) = await TaskResult.AwaitAsync(task).ConfigureAwait(false);
        if (hasValue)
        {
            await MicroResponse.WriteAsync(context, value).ConfigureAwait(false);
        }
    }
}
