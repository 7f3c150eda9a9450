namespace Micron.Patterns;

/// <summary>
/// Pattern calls (@angstone/micro, Seneca): <c>Act</c> sends a payload to whichever service handles the most specific
/// matching pattern, in this host or another, over the same transports and security as contract calls.
/// </summary>
public interface IMicron
{
    /// <summary>Acts on a pattern and returns the handler's result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="pattern"><c>key:value</c> pairs such as <c>"role:math,cmd:multiply"</c>; a bare word is <c>cmd:word</c>.</param>
    /// <param name="payload">The handler's input; converted (through JSON) to the handler's parameter type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The handler's result.</returns>
    /// <exception cref="PatternNotFoundException">No handler, here or in any known instance, matches the pattern.</exception>
    /// <exception cref="Rpc.RemoteServiceException">The remote handler failed.</exception>
    /// <exception cref="TimeoutException">The remote handler did not answer within the call deadline.</exception>
    Task<T?> Act<T>(string pattern, object? payload = null, CancellationToken cancellationToken = default);
}
