namespace Micron.Http.Internal;

/// <summary>
/// Gives a route micro's return-value rules. Applied per endpoint at build time: handlers that return nothing or
/// an <see cref="IResult"/> are left untouched, so they pay nothing.
/// </summary>
internal static class MicroResultFilter
{
    public static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var type = UnwrapAwaitable(context.MethodInfo.ReturnType);
        if (type is null || typeof(IResult).IsAssignableFrom(type))
        {
            return next;
        }

        return invocation =>
        {
            var pending = next(invocation);
            return pending.IsCompletedSuccessfully ? ValueTask.FromResult<object?>(Wrap(pending.Result)) : WrapAsync(pending);
        };
    }

    private static object Wrap(object? value) => value as IResult ?? new MicroValueResult(value);

    private static async ValueTask<object?> WrapAsync(ValueTask<object?> pending) => Wrap(await pending.ConfigureAwait(false));

    /// <summary>The value type a handler produces, or <see langword="null"/> when it produces none.</summary>
    private static Type? UnwrapAwaitable(Type type)
    {
        if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask))
        {
            return null;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return type;
    }

    private sealed class MicroValueResult(object? value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => MicroResponse.WriteAsync(httpContext, value);
    }
}
