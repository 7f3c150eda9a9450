namespace Micron.Gateway;

/// <summary>Settings for a process that is only a gateway (<c>micron gateway</c>, or a host run with <c>--services none</c>).</summary>
public static class GatewayProcess
{
    /// <summary>The .NET environment variable that runs socket completions on the I/O threads.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs the process's socket completions inline on its I/O threads instead of handing each to the thread pool, as
    /// a dedicated gateway's Kestrel does (<see cref="GatewayOptions.PreferInlineScheduling"/>): a forwarded request then
    /// runs from the client's bytes to the instance's answer without a thread switch. Only for a process whose code never
    /// blocks a thread. .NET reads the setting once, when the first socket is used, so call this first thing in
    /// <c>Main</c>; a value the environment already has (<c>0</c> to keep completions on the thread pool) wins.
    /// </summary>
    /// <returns>Whether the process runs socket completions inline, as far as the environment says.</returns>
    public static bool UseInlineSocketCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }

        return Environment.GetEnvironmentVariable(InlineCompletionsVariable) == "1";
    }
}
