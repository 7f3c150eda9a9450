using System.Reflection;

namespace Micron.Rpc.Internal;

/// <summary>
/// The remote stand-in of a <c>[MicronContract]</c> interface: each call becomes a <see cref="RemoteCaller"/> call,
/// returned as the method's own <see cref="Task"/>, <see cref="Task{T}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{T}"/>.
/// </summary>
internal class ContractProxy : DispatchProxy
{
    private static readonly MethodInfo TaskOf = typeof(ContractProxy).GetMethod(nameof(AsTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ValueTaskOf = typeof(ContractProxy).GetMethod(nameof(AsValueTask), BindingFlags.NonPublic | BindingFlags.Static)!;
    private RemoteCaller _caller = null!;
    private string _service = null!;
    private Dictionary<MethodInfo, (ContractMethod Method, Func<Task<object?>, object> Adapt)> _methods = null!;

    internal static object Create(Type contract, string service, RemoteCaller caller)
    {
        var proxy = (ContractProxy)Create(contract, typeof(ContractProxy));
        proxy._caller = caller;
        proxy._service = service;
        proxy._methods = ContractMethod.Of([contract]).Values.ToDictionary(static m => m.Method, static m => (m, Adapter(m.Method.ReturnType)));
        return proxy;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var (method, adapt) = _methods[targetMethod!];
        return adapt(_caller.CallAsync(_service, method, args ?? []));
    }

    private static Func<Task<object?>, object> Adapter(Type returnType)
    {
        if (returnType == typeof(Task))
        {
            return static task => task;
        }

        if (returnType == typeof(ValueTask))
        {
            return static task => new ValueTask(task);
        }

        var result = returnType.GetGenericArguments()[0];
        var helper = returnType.GetGenericTypeDefinition() == typeof(Task<>) ? TaskOf : ValueTaskOf;
        return helper.MakeGenericMethod(result).CreateDelegate<Func<Task<object?>, object>>();
    }

    private static object AsTask<T>(Task<object?> task) => Cast<T>(task);

    private static object AsValueTask<T>(Task<object?> task) => new ValueTask<T>(Cast<T>(task));

    private static async Task<T> Cast<T>(Task<object?> task) => (T)(await task.ConfigureAwait(false))!;
}
