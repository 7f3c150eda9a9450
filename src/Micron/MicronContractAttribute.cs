namespace Micron;

/// <summary>
/// Marks an interface as a service contract: callers depend on the interface only, and Micron resolves it to
/// the local instance (a plain interface call) or, when the service runs elsewhere, to a remote proxy.
/// </summary>
/// <param name="service">
/// The name of the service that implements the contract; when omitted, the name of the registered service that
/// implements the interface.
/// </param>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class MicronContractAttribute(string? service = null) : Attribute
{
    /// <summary>Gets the name of the service that implements the contract, if given.</summary>
    public string? Service { get; } = service;
}
