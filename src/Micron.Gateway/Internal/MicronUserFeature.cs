namespace Micron.Gateway.Internal;

/// <summary>The user a middleware let the request through as: the provider's object, or its JSON when remote.</summary>
internal sealed class MicronUserFeature(object? user)
{
    public object? User { get; } = user;
}
