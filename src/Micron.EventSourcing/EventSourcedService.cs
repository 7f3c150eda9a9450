using System.Text.Json;
using Micron.EventSourcing.Internal;
using Micron.Http;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Micron.EventSourcing;

/// <summary>
/// A service whose state is its events: commands append them, reducers apply them to an in-memory model, views read
/// the model. The model is rebuilt at start from the latest snapshot plus the events after it.
/// </summary>
/// <typeparam name="TModel">The model: an immutable type (a record) that reducers replace, never change.</typeparam>
/// <remarks>
/// Every command is also a pattern, <c>role:{service},cmd:{Command}</c>, and, with <see cref="MapCommands"/>, an HTTP route.
/// Other processes read the service's events from <c>GET /_micron/events/{service}</c> (see <see cref="EventSubscriber"/>).
/// </remarks>
public abstract partial class EventSourcedService<TModel> : MicronService, IEventSource
    where TModel : class
{
    private readonly object _configureLock = new();
    private ModelBuilder<TModel>? _builder;
    private ModelHost<TModel>? _host;

    /// <summary>Creates the service.</summary>
    /// <param name="context">The store, options and logging, from the container.</param>
    protected EventSourcedService(EventSourcingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
    }

    /// <summary>Gets the model as of the last event applied: what views read.</summary>
    protected TModel Model => Host.State.Model;

    /// <summary>Gets the global position of the last event the model has applied.</summary>
    public long Position => Host.State.Position;

    /// <summary>Gets the events a reducer threw on (the most recent thousand): stored, but skipped by the model.</summary>
    public IReadOnlyList<ReducerFailure> ReducerFailures => Host.Failures;

    /// <summary>Gets the names of the service's commands.</summary>
    public IReadOnlyCollection<string> CommandNames => Builder.Commands.Keys;

    internal EventSourcingContext Context { get; }

    internal ModelHost<TModel> Host
    {
        get
        {
            _ = Builder;
            return _host!;
        }
    }

    IReadOnlyCollection<string> IEventSource.EventTypeNames => Builder.Reducers.Keys;

    private ModelBuilder<TModel> Builder
    {
        get
        {
            if (_builder is not null)
            {
                return _builder;
            }

            lock (_configureLock)
            {
                if (_builder is null)
                {
                    var builder = new ModelBuilder<TModel>(this);
                    Configure(builder);
                    _host = new ModelHost<TModel>(Name, Context.Store, Context.Options, builder.Reducers, Context.Loggers.CreateLogger(GetType()));
                    _builder = builder;
                }
            }

            return _builder;
        }
    }

    /// <summary>Rebuilds the model from the snapshot and the events after it, before the host takes traffic.</summary>
    /// <param name="cancellationToken">Signals that the start was abandoned.</param>
    /// <returns>A task that completes when the model is current.</returns>
    public override async Task InitAsync(CancellationToken cancellationToken)
    {
        var started = Context.Time.GetTimestamp();
        var (snapshot, replayed) = await Host.RebuildAsync(CreateModel(), cancellationToken).ConfigureAwait(false);
        LogRebuilt(Context.Loggers.CreateLogger(GetType()), Name, snapshot, replayed, Context.Time.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Runs a command by its payload type and answers once its events are applied.</summary>
    /// <typeparam name="TCommand">The command's payload type.</typeparam>
    /// <typeparam name="TResult">What the command answers.</typeparam>
    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">Cancels the wait; an append already queued may still be stored.</param>
    /// <returns>The command's answer.</returns>
    /// <exception cref="RuleBrokenException">A rule was broken; nothing was appended.</exception>
    /// <exception cref="EventSourcingException">The caller was refused (403), or the command is not declared (404).</exception>
    protected Task<TResult> ExecuteAsync<TCommand, TResult>(TCommand command, CancellationToken cancellationToken = default)
    {
        foreach (var definition in Builder.Commands.Values)
        {
            if (definition is CommandBuilder<TModel, TCommand, TResult> typed)
            {
                return typed.ExecuteAsync(command, cancellationToken);
            }
        }

        throw CommandNotFound(typeof(TCommand).Name);
    }

    /// <summary>Runs a command by name with a JSON payload (patterns and HTTP routes use this).</summary>
    /// <param name="name">The command's name.</param>
    /// <param name="payload">The command's payload.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The command's answer.</returns>
    /// <exception cref="EventSourcingException">No command has that name (404 <c>command_not_found</c>).</exception>
    public Task<object?> ExecuteAsync(string name, JsonElement payload, CancellationToken cancellationToken = default)
        => Builder.Commands.TryGetValue(name, out var definition)
            ? definition.ExecuteAsync(payload, cancellationToken)
            : throw CommandNotFound(name);

    /// <summary>Creates the model before any event: the start of every rebuild.</summary>
    /// <returns>The empty model.</returns>
    protected abstract TModel CreateModel();

    /// <summary>Declares the reducers and the commands.</summary>
    /// <param name="model">The declarations.</param>
    protected abstract void Configure(ModelBuilder<TModel> model);

    /// <summary>Maps the commands as patterns and the events feed, then the service's own routes (<see cref="MapHttp"/>).</summary>
    /// <param name="routes">The service's routes.</param>
    protected sealed override void Map(IServiceRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        foreach (var command in Builder.Commands.Values)
        {
            routes.AddPattern($"role:{Name},cmd:{command.Name}", command.Handler);
        }

        EventsFeed.Map(routes, Name, Context.Store, Builder.Reducers.Keys);
        MapHttp(routes);
    }

    /// <summary>Maps the service's own HTTP routes.</summary>
    /// <param name="routes">The service's routes.</param>
    protected virtual void MapHttp(IServiceRoutes routes)
    {
    }

    /// <summary>Exposes every command as <c>POST {prefix}/{command}</c> with its JSON payload.</summary>
    /// <param name="routes">The service's routes.</param>
    /// <param name="prefix">The routes' prefix, such as <c>/orders/commands</c>.</param>
    protected void MapCommands(IServiceRoutes routes, string prefix)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapPost(prefix.TrimEnd('/') + "/{command}", async (string command, HttpContext context) =>
        {
            var payload = await context.Request.ReadJsonAsync<JsonElement>(cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return await ExecuteAsync(command, payload, context.RequestAborted).ConfigureAwait(false);
        });
    }

    private static EventSourcingException CommandNotFound(string name)
        => new(StatusCodes.Status404NotFound, EventSourcingErrorCodes.CommandNotFound, $"No command named '{name}'");

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} rebuilt its model: snapshot at position {Snapshot}, {Replayed} positions replayed in {Elapsed:0} ms")]
    private static partial void LogRebuilt(ILogger logger, string service, long snapshot, long replayed, double elapsed);
}
