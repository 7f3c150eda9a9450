using Micron.Hosting;

namespace Micron.Services.Internal;

/// <summary>Orders services so each comes after the services it depends on, keeping registration order otherwise.</summary>
internal static class InitOrder
{
    public static MicronService[] Sort(IReadOnlyList<ServiceCatalog.Registration> registrations, MicronService[] instances)
    {
        var count = registrations.Count;
        var dependsOn = new List<int>[count];
        for (var i = 0; i < count; i++)
        {
            dependsOn[i] = [];
            foreach (var dependency in registrations[i].Dependencies)
            {
                for (var j = 0; j < count; j++)
                {
                    if (j != i && registrations[j].Satisfies(dependency))
                    {
                        dependsOn[i].Add(j);
                    }
                }
            }
        }

        var state = new byte[count]; // 0 = new, 1 = visiting, 2 = placed
        var ordered = new List<MicronService>(count);
        var path = new Stack<int>();
        for (var i = 0; i < count; i++)
        {
            Visit(i);
        }

        return [.. ordered];

        void Visit(int index)
        {
            if (state[index] == 2)
            {
                return;
            }

            if (state[index] == 1)
            {
                var cycle = path.Reverse().SkipWhile(i => i != index).Select(i => $"'{instances[i].Name}'");
                throw new MicronStartupException(
                    $"services depend on each other in a cycle: {string.Join(" -> ", cycle)} -> '{instances[index].Name}'");
            }

            state[index] = 1;
            path.Push(index);
            foreach (var dependency in dependsOn[index])
            {
                Visit(dependency);
            }

            path.Pop();
            state[index] = 2;
            ordered.Add(instances[index]);
        }
    }
}
