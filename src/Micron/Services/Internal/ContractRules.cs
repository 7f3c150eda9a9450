using System.Reflection;

namespace Micron.Services.Internal;

/// <summary>What a <c>[MicronContract]</c> interface must be so that it can be called locally and remotely alike.</summary>
internal static class ContractRules
{
    /// <summary>The service a contract belongs to: its attribute's name, else <paramref name="implementer"/>.</summary>
    public static string ServiceOf(Type contract, string? implementer = null)
        => contract.GetCustomAttribute<MicronContractAttribute>(inherit: false)?.Service
            ?? implementer
            ?? throw new InvalidOperationException($"contract {contract.Name} names no service; write [MicronContract(\"name\")]");

    /// <exception cref="InvalidOperationException">The contract belongs to another service or a method is not async.</exception>
    public static void Validate(Type contract, string service)
    {
        var declared = ServiceOf(contract, service);
        if (!string.Equals(declared, service, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"service '{service}' implements {contract.Name}, which is the contract of service '{declared}'");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in contract.GetMethods())
        {
            if (!names.Add(method.Name))
            {
                throw new InvalidOperationException($"{contract.Name}.{method.Name} is overloaded: contract methods are called by name, so names must be unique");
            }

            if (!IsAsync(method.ReturnType))
            {
                throw new InvalidOperationException(
                    $"{contract.Name}.{method.Name} returns {method.ReturnType.Name}: contract methods return Task, Task<T>, ValueTask or ValueTask<T>, so they can be called remotely");
            }

            if (method.IsGenericMethodDefinition)
            {
                throw new InvalidOperationException($"{contract.Name}.{method.Name} is generic: contract methods cannot be");
            }
        }
    }

    /// <summary>The type of value a contract method produces, or <see langword="null"/> for none.</summary>
    public static Type? ResultType(Type returnType)
        => returnType.IsGenericType ? returnType.GetGenericArguments()[0] : null;

    private static bool IsAsync(Type type)
    {
        if (type == typeof(Task) || type == typeof(ValueTask))
        {
            return true;
        }

        if (!type.IsGenericType)
        {
            return false;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Task<>) || definition == typeof(ValueTask<>);
    }
}
