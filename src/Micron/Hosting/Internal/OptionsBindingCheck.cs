using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Hosting.Internal;

/// <summary>
/// Binds each options class Micron's packages read from configuration once, before the host is built, so a value the
/// binder cannot convert stops the start with one line instead of an exception from inside the host's construction:
/// <c>Failed to convert configuration value 'soon' at 'Micron:Gateway:UpstreamTimeout' to type 'System.TimeSpan'.</c>
/// </summary>
internal sealed class OptionsBindingCheck
{
    private readonly List<Action<IConfiguration>> _binds = [];

    /// <summary>Binds <typeparamref name="TOptions"/> from <paramref name="section"/>, and checks that binding at start.</summary>
    public static void BindConfiguration<TOptions>(IServiceCollection services, string section)
        where TOptions : class, new()
    {
        services.AddOptions<TOptions>().BindConfiguration(section);
        var check = services.Where(static d => !d.IsKeyedService).Select(static d => d.ImplementationInstance).OfType<OptionsBindingCheck>().FirstOrDefault();
        if (check is null)
        {
            check = new OptionsBindingCheck();
            services.AddSingleton(check);
        }

        check._binds.Add(configuration => configuration.GetSection(section).Get<TOptions>());
    }

    /// <exception cref="MicronStartupException">A value cannot be converted to its property's type.</exception>
    public static void Run(IServiceCollection services, IConfiguration configuration)
    {
        foreach (var check in services.Where(static d => !d.IsKeyedService).Select(static d => d.ImplementationInstance).OfType<OptionsBindingCheck>())
        {
            foreach (var bind in check._binds)
            {
                try
                {
                    bind(configuration);
                }
                catch (InvalidOperationException ex) when (ex.InnerException is FormatException or ArgumentException)
                {
                    throw new MicronStartupException(ex.Message, ex);
                }
            }
        }
    }
}
