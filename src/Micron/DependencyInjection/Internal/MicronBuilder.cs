using Microsoft.Extensions.DependencyInjection;

namespace Micron.DependencyInjection.Internal;

internal sealed class MicronBuilder(IServiceCollection services) : IMicronBuilder
{
    public IServiceCollection Services { get; } = services;
}
