namespace Micron.EventSourcing;

/// <summary>
/// Names an event type as it is stored: versioned, and never reused for another shape (<c>[EventType("OrderPlaced.v1")]</c>).
/// A new shape gets a new name (<c>OrderPlaced.v2</c>) and its own reducer, so stored events always read back.
/// </summary>
/// <param name="name">The stored name.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    /// <summary>Gets the stored name.</summary>
    public string Name { get; } = name;
}
