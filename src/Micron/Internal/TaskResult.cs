namespace Micron.Internal;

/// <summary>Awaits a task known only as <see cref="Task"/> and reads its result, if it has one.</summary>
internal static class TaskResult
{
    /// <summary>
    /// The task behind a value a handler returned: a <see cref="Task"/> as is, a (boxed) <see cref="ValueTask"/> or
    /// <see cref="ValueTask{TResult}"/> as its task; <see langword="null"/> for any other value.
    /// </summary>
    public static Task? AsTask(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case Task task:
                return task;
            case ValueTask valueTask:
                return valueTask.AsTask();
        }

        var type = value.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)
            ? (Task)type.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(value, null)!
            : null;
    }

    /// <summary>
    /// Awaits <paramref name="task"/>; <c>HasValue</c> is <see langword="false"/> for a plain <see cref="Task"/>
    /// (including the runtime's <c>Task&lt;VoidTaskResult&gt;</c> behind async methods without a result).
    /// </summary>
    public static async Task<(bool HasValue, object? Value)> AwaitAsync(Task task)
    {
        await task.ConfigureAwait(false);
        var type = task.GetType();
        return type.IsGenericType && type.GetGenericArguments()[0].Name != "VoidTaskResult"
            ? (true, type.GetProperty(nameof(Task<object>.Result))!.GetValue(task))
            : (false, null);
    }
}
