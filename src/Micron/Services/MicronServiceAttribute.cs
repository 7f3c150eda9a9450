namespace Micron.Services;

/// <summary>
/// Names a service and, optionally, its version. Without it a service is named after its class, without a
/// <c>Service</c> suffix, in lower-case words joined by <c>-</c>: <c>AccountService</c> is <c>account</c>,
/// <c>OrderHistoryService</c> is <c>order-history</c>.
/// </summary>
/// <remarks>
/// The name is part of the type, not of an instance, so a host knows which services it runs, and which it must
/// find elsewhere, without creating any of them.
/// </remarks>
/// <param name="name">The service's name: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, starting with a letter.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MicronServiceAttribute(string name) : Attribute
{
    /// <summary>Gets the service's name.</summary>
    public string Name { get; } = name;

    /// <summary>Gets or sets the service's version; the assembly's informational version when not set.</summary>
    public string? Version { get; set; }
}
