using System.Reflection;
using Micron.Services.Internal;

namespace Micron.Rpc.Internal;

/// <summary>A contract method as the wire sees it: its parameters by name, its result type, whether it is idempotent.</summary>
internal sealed class ContractMethod
{
    private static readonly MethodInfo AwaitTaskOf = typeof(ContractMethod).GetMethod(nameof(AwaitTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AwaitValueTaskOf = typeof(ContractMethod).GetMethod(nameof(AwaitValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private readonly Func<object, Task<object?>> _await;

    public ContractMethod(MethodInfo method)
    {
        Method = method;
        Parameters = method.GetParameters();
        CancellationIndex = Array.FindIndex(Parameters, static p => p.ParameterType == typeof(CancellationToken));
        ResultType = ContractRules.ResultType(method.ReturnType);
        Idempotent = method.IsDefined(typeof(IdempotentAttribute), inherit: false);
        _await = method.ReturnType == typeof(Task) ? static t => AwaitVoid((Task)t)
            : method.ReturnType == typeof(ValueTask) ? static t => AwaitVoid(((ValueTask)t).AsTask())
            : method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
                ? AwaitTaskOf.MakeGenericMethod(ResultType!).CreateDelegate<Func<object, Task<object?>>>()
                : AwaitValueTaskOf.MakeGenericMethod(ResultType!).CreateDelegate<Func<object, Task<object?>>>();
    }

    public MethodInfo Method { get; }

    public string Name => Method.Name;

    public ParameterInfo[] Parameters { get; }

    /// <summary>Gets the position of the <see cref="CancellationToken"/> parameter, or -1.</summary>
    public int CancellationIndex { get; }

    /// <summary>Gets the type of the result, or <see langword="null"/> when the method returns none.</summary>
    public Type? ResultType { get; }

    public bool Idempotent { get; }

    /// <summary>Awaits what the method returned and hands back its result (<see langword="null"/> for none).</summary>
    public Task<object?> AwaitResult(object returned) => _await(returned);

    public static IReadOnlyDictionary<string, ContractMethod> Of(IEnumerable<Type> contracts)
    {
        var methods = new Dictionary<string, ContractMethod>(StringComparer.Ordinal);
        foreach (var contract in contracts)
        {
            foreach (var method in contract.GetMethods())
            {
                // Overloads cannot be told apart by name on the wire; the first declared wins and the rest are refused.
                methods.TryAdd(method.Name, new ContractMethod(method));
            }
        }

        return methods;
    }

    private static async Task<object?> AwaitVoid(Task task)
    {
        await task.ConfigureAwait(false);
        return null;
    }

    private static async Task<object?> AwaitTask<T>(object task) => await ((Task<T>)task).ConfigureAwait(false);

    private static async Task<object?> AwaitValueTask<T>(object task) => await ((ValueTask<T>)task).ConfigureAwait(false);
}
