using System.Collections.Concurrent;
using System.Reflection;

namespace Micron.EventSourcing.Internal;

/// <summary>The stored name of an event type, from its <see cref="EventTypeAttribute"/>.</summary>
internal static class EventTypes
{
    private static readonly ConcurrentDictionary<Type, string?> Names = new();

    public static string NameOf(Type type)
        => Names.GetOrAdd(type, static t => t.GetCustomAttribute<EventTypeAttribute>()?.Name)
            ?? throw new UnknownEventTypeException($"Event type {type.Name} has no [EventType(\"Name.v1\")] attribute");
}
