using Microsoft.Extensions.DependencyInjection;

namespace Micron;

/// <summary>Configures Micron; every Micron feature is an extension method on this builder.</summary>
public interface IMicronBuilder
{
    /// <summary>Gets the services the application's container is built from.</summary>
    IServiceCollection Services { get; }
}
