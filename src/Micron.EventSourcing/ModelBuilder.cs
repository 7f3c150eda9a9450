using Micron.EventSourcing.Internal;

namespace Micron.EventSourcing;

/// <summary>Declares a service's reducers (how events change its model) and its commands (what may append events).</summary>
/// <typeparam name="TModel">The service's in-memory model: an immutable type whose reducers return a changed copy.</typeparam>
public sealed class ModelBuilder<TModel>
    where TModel : class
{
    private readonly EventSourcedService<TModel> _service;

    internal ModelBuilder(EventSourcedService<TModel> service) => _service = service;

    internal Dictionary<string, Reducer<TModel>> Reducers { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, ICommandDefinition> Commands { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds the reducer of an event type: it returns the model with the event applied, and must not change its input.</summary>
    /// <typeparam name="TEvent">The event type, named by its <see cref="EventTypeAttribute"/>.</typeparam>
    /// <param name="reduce">Applies an event to the model.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="UnknownEventTypeException"><typeparamref name="TEvent"/> has no <see cref="EventTypeAttribute"/>.</exception>
    /// <exception cref="InvalidOperationException">The event type already has a reducer.</exception>
    public ModelBuilder<TModel> On<TEvent>(Func<TModel, TEvent, EventContext, TModel> reduce)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        var name = EventTypes.NameOf(typeof(TEvent));
        if (!Reducers.TryAdd(name, new Reducer<TModel>(typeof(TEvent), (model, e, context) => reduce(model, (TEvent)e, context))))
        {
            throw new InvalidOperationException($"event type '{name}' already has a reducer");
        }

        return this;
    }

    /// <summary>Adds the reducer of an event type.</summary>
    /// <typeparam name="TEvent">The event type, named by its <see cref="EventTypeAttribute"/>.</typeparam>
    /// <param name="reduce">Applies an event to the model.</param>
    /// <returns>This builder.</returns>
    public ModelBuilder<TModel> On<TEvent>(Func<TModel, TEvent, TModel> reduce)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        return On<TEvent>((model, e, _) => reduce(model, e));
    }

    /// <summary>
    /// Adds a command: <c>Authorize</c>, <c>Prevalidate</c>, <c>Validate</c> against the model, <c>Emit</c> events to a
    /// <c>Stream</c>, and <c>Respond</c> once the reducers applied them.
    /// </summary>
    /// <typeparam name="TCommand">The command's payload type.</typeparam>
    /// <typeparam name="TResult">What the command answers.</typeparam>
    /// <param name="name">The command's name; by default the payload type's name.</param>
    /// <returns>The command's builder.</returns>
    /// <exception cref="InvalidOperationException">A command of that name exists.</exception>
    public CommandBuilder<TModel, TCommand, TResult> Command<TCommand, TResult>(string? name = null)
    {
        var command = new CommandBuilder<TModel, TCommand, TResult>(name ?? typeof(TCommand).Name, _service);
        if (!Commands.TryAdd(command.Name, command))
        {
            throw new InvalidOperationException($"command '{command.Name}' is declared twice");
        }

        return command;
    }
}
