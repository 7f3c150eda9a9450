namespace Micron.Internal;

/// <summary>Awaits a task known only as <see cref="Task"/> and reads its result, if it has one.</summary>
internal static class TaskResult
{
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
