namespace Micron;

/// <summary>
/// Marks a contract method as safe to run twice: after a connection failure the call is retried once on another
/// instance. Leave it off methods that change state unless they are idempotent by design.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class IdempotentAttribute : Attribute;
