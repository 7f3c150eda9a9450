namespace Shop.Calculator;

/// <summary>Answers pattern calls (<c>IMicron.Act</c>), as @angstone/micro's <c>add</c> handlers do.</summary>
public sealed class CalculatorService : MicronService
{
    /// <inheritdoc />
    protected override void Map(IServiceRoutes routes)
        => routes.AddPattern("multiply", (Operands operands) => operands.First * operands.Second);
}

/// <summary>The payload of <c>multiply</c>.</summary>
/// <param name="First">The first factor.</param>
/// <param name="Second">The second factor.</param>
public sealed record Operands(long First, long Second);
