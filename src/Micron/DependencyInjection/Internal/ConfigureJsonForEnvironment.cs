using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Micron.DependencyInjection.Internal;

/// <summary>Pretty-prints JSON responses in Development, as micro does; compact everywhere else.</summary>
internal sealed class ConfigureJsonForEnvironment(IHostEnvironment environment) : IConfigureOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>
{
    public void Configure(Microsoft.AspNetCore.Http.Json.JsonOptions options)
    {
        if (environment.IsDevelopment())
        {
            options.SerializerOptions.WriteIndented = true;
        }
    }
}
