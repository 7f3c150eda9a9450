using System.Text.Json;

namespace Micron.EventSourcing.Internal;

/// <summary>A declared command, callable without its types (patterns, HTTP).</summary>
internal interface ICommandDefinition
{
    string Name { get; }

    Type CommandType { get; }

    /// <summary>Gets the pattern handler: <c>(TCommand, CancellationToken) =&gt; Task&lt;TResult&gt;</c>.</summary>
    Delegate Handler { get; }

    Task<object?> ExecuteAsync(JsonElement payload, CancellationToken cancellationToken);
}
