using System.Text.Json;
using Micron.EventSourcing.Internal;
using Micron.Http;

namespace Micron.EventSourcing;

/// <summary>
/// One command's steps, in the order they run: <see cref="Authorize"/>, <see cref="Prevalidate"/>, <see cref="Validate(Func{TModel, TCommand, CancellationToken, ValueTask{string?}})"/>,
/// then <see cref="Emit"/> appends to <see cref="Stream"/>, the reducers apply, and <see cref="Respond"/> answers.
/// A step that returns a message refuses the command and nothing is appended.
/// </summary>
/// <typeparam name="TModel">The service's model.</typeparam>
/// <typeparam name="TCommand">The command's payload.</typeparam>
/// <typeparam name="TResult">What the command answers.</typeparam>
public sealed class CommandBuilder<TModel, TCommand, TResult> : ICommandDefinition
    where TModel : class
{
    private readonly EventSourcedService<TModel> _service;
    private Func<TModel, TCommand, string?>? _authorize;
    private Func<TCommand, string?>? _prevalidate;
    private Func<TModel, TCommand, CancellationToken, ValueTask<string?>>? _validate;
    private Func<TModel, TCommand, string>? _stream;
    private Func<TModel, TCommand, IEnumerable<object>>? _emit;
    private Func<TModel, TCommand, CommandOutcome, TResult>? _respond;

    internal CommandBuilder(string name, EventSourcedService<TModel> service)
    {
        Name = name;
        _service = service;
    }

    /// <summary>Gets the command's name.</summary>
    public string Name { get; }

    Type ICommandDefinition.CommandType => typeof(TCommand);

    Delegate ICommandDefinition.Handler => (Func<TCommand, CancellationToken, Task<TResult>>)ExecuteAsync;

    /// <summary>Refuses callers: returns a message (403 <c>forbidden</c>) or <see langword="null"/> to go on.</summary>
    /// <param name="authorize">Decides from the model and the command.</param>
    /// <returns>This builder.</returns>
    public CommandBuilder<TModel, TCommand, TResult> Authorize(Func<TModel, TCommand, string?> authorize)
    {
        _authorize = authorize;
        return this;
    }

    /// <summary>Checks the command alone: returns the broken rule's message (400 <c>rule_broken</c>) or <see langword="null"/>.</summary>
    /// <param name="prevalidate">The rules on the payload.</param>
    /// <returns>This builder.</returns>
    public CommandBuilder<TModel, TCommand, TResult> Prevalidate(Func<TCommand, string?> prevalidate)
    {
        _prevalidate = prevalidate;
        return this;
    }

    /// <summary>Checks the command against the current model: returns the broken rule's message or <see langword="null"/>.</summary>
    /// <param name="validate">The rules on the model.</param>
    /// <returns>This builder.</returns>
    public CommandBuilder<TModel, TCommand, TResult> Validate(Func<TModel, TCommand, string?> validate)
    {
        ArgumentNullException.ThrowIfNull(validate);
        _validate = (model, command, _) => ValueTask.FromResult(validate(model, command));
        return this;
    }

    /// <summary>Checks the command against the current model and other services (a contract call), asynchronously.</summary>
    /// <param name="validate">The rules.</param>
    /// <returns>This builder.</returns>
    public CommandBuilder<TModel, TCommand, TResult> Validate(Func<TModel, TCommand, CancellationToken, ValueTask<string?>> validate)
    {
        _validate = validate;
        return this;
    }

    /// <summary>Names the stream the command's events go to; its version is checked against the model's (optimistic concurrency).</summary>
    /// <param name="stream">The stream, from the model and the command.</param>
    /// <returns>This builder.</returns>
    public CommandBuilder<TModel, TCommand, TResult> Stream(Func<TModel, TCommand, string> stream)
    {
        _stream = stream;
        return this;
    }

    /// <summary>Produces the command's events (each type named by <see cref="EventTypeAttribute"/>).</summary>
    /// <param name="emit">The events, from the model and the command.</param>
    /// <returns>This builder.</returns>
    public CommandBuilder<TModel, TCommand, TResult> Emit(Func<TModel, TCommand, IEnumerable<object>> emit)
    {
        _emit = emit;
        return this;
    }

    /// <summary>Answers the caller, from the model after the reducers applied the command's own events (read your writes).</summary>
    /// <param name="respond">The answer.</param>
    /// <returns>This builder.</returns>
    public CommandBuilder<TModel, TCommand, TResult> Respond(Func<TModel, TCommand, CommandOutcome, TResult> respond)
    {
        _respond = respond;
        return this;
    }

    async Task<object?> ICommandDefinition.ExecuteAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        TCommand? command;
        try
        {
            command = payload.Deserialize<TCommand>(EventSourcingContext.Json);
        }
        catch (JsonException ex)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, "Invalid body", ErrorCodes.InvalidJson, ex);
        }

        return await ExecuteAsync(command ?? throw new HttpError(StatusCodes.Status400BadRequest, "Invalid body", ErrorCodes.InvalidJson), cancellationToken).ConfigureAwait(false);
    }

    internal async Task<TResult> ExecuteAsync(TCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_stream is null || _emit is null || _respond is null)
        {
            throw new InvalidOperationException($"command '{Name}' needs Stream, Emit and Respond");
        }

        var host = _service.Host;
        for (var attempt = 0; ; )
        {
            var stream = _stream(host.State.Model, command);
            using var turn = await host.Locks.AcquireAsync(stream, cancellationToken).ConfigureAwait(false);
            var state = host.State;
            if (_stream(state.Model, command) != stream)
            {
                // The model moved while this command waited its turn, and the command now targets another stream.
                continue;
            }

            if (_authorize?.Invoke(state.Model, command) is { } denied)
            {
                throw new EventSourcingException(StatusCodes.Status403Forbidden, EventSourcingErrorCodes.Forbidden, denied);
            }

            if (_prevalidate?.Invoke(command) is { } broken)
            {
                throw new RuleBrokenException(broken);
            }

            if (_validate is not null && await _validate(state.Model, command, cancellationToken).ConfigureAwait(false) is { } rule)
            {
                throw new RuleBrokenException(rule);
            }

            var events = _emit(state.Model, command).ToList();
            if (events.Count == 0)
            {
                return _respond(state.Model, command, new CommandOutcome(events, stream, default));
            }

            try
            {
                var append = await host.AppendAsync(stream, state.Position, events, cancellationToken).ConfigureAwait(false);
                return _respond(host.State.Model, command, new CommandOutcome(events, stream, append));
            }
            catch (ConcurrencyException) when (attempt++ < _service.Context.Options.CommandRetries)
            {
                // Another process appended to the stream: decide again against the model with its events applied.
                await host.CatchUpAsync(long.MaxValue, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
