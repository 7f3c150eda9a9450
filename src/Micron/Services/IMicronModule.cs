namespace Micron.Services;

/// <summary>
/// Registers a set of services and what they need. <c>micron run --service-dir</c> looks for public modules with a
/// parameterless constructor in the assemblies it loads and lets them register their services; an assembly with no
/// module gets every concrete <see cref="MicronService"/> it declares registered as is.
/// </summary>
public interface IMicronModule
{
    /// <summary>Adds the module's services (and their dependencies) to a host.</summary>
    /// <param name="micron">The Micron builder of the host.</param>
    void Configure(IMicronBuilder micron);
}
