using System.Text.Json;
using Micron.Gateway.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads the user a required middleware let the request through as.</summary>
public static class HttpContextMicronUserExtensions
{
    /// <summary>Gets the user set by the route's middleware (<c>RequireMiddleware</c>), converted to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The user type, for example the providing service's <c>User</c> record.</typeparam>
    /// <param name="context">The request.</param>
    /// <returns>The user, or <see langword="default"/> when no middleware set one.</returns>
    public static T? GetMicronUser<T>(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.Features.Get<MicronUserFeature>()?.User;
        var json = context.RequestServices.GetService<IOptions<Json.JsonOptions>>()?.Value.SerializerOptions ?? JsonSerializerOptions.Web;
        return user switch
        {
            null => default,
            T typed => typed,
            JsonElement element => element.Deserialize<T>(json),
            _ => JsonSerializer.SerializeToElement(user, json).Deserialize<T>(json),
        };
    }
}
