using BenchmarkDotNet.Attributes;
using Micron.Hosting;
using Micron.Patterns;
using Micron.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Micron.Benchmarks;

/// <summary>
/// The Shop's fan-out in one process, on ASP.NET Core's in-memory test server: a route that asks a contract and acts
/// on a pattern (like <c>/profile/{id}</c>) against a route that only greets (like <c>/hello/{name}</c>). The
/// difference is what a monolith pays for touching three services.
/// </summary>
[MemoryDiagnoser]
public class FanOutPipelineBenchmarks
{
    private MicronApplication _app = null!;
    private HttpClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = MicronApplication.CreateBuilder(["--discovery", "none"]);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddMicron().AddService<UsersService>().AddService<MathService>().AddService<FrontService>();
        _app = builder.Build();
        _app.StartAsync().GetAwaiter().GetResult();
        _client = ((TestServer)_app.Services.GetRequiredService<IServer>()).CreateClient();
    }

    [GlobalCleanup]
    public void Cleanup() => _app.Dispose();

    [Benchmark(Baseline = true, Description = "GET /hello/{name}: one service")]
    public Task<string> Hello() => _client.GetStringAsync("/hello/ada");

    [Benchmark(Description = "GET /profile/{id}: a contract call and a pattern call in process")]
    public Task<string> Profile() => _client.GetStringAsync("/profile/1");

    [Benchmark(Description = "GET /user/{id}: a contract call in process")]
    public Task<string> User() => _client.GetStringAsync("/user/1");

    [Benchmark(Description = "GET /multiply/{a}/{b}: a pattern call in process")]
    public Task<string> Multiply() => _client.GetStringAsync("/multiply/6/7");

    public sealed record Person(int Id, string Username);

    public sealed record Operands(long First, long Second);

    [MicronContract("users")]
    public interface IUsers
    {
        Task<Person?> GetUserById(int id, CancellationToken cancellationToken = default);
    }

    public sealed class UsersService : MicronService, IUsers
    {
        private static readonly Person Ada = new(1, "ada");

        public Task<Person?> GetUserById(int id, CancellationToken cancellationToken = default) => Task.FromResult(id == 1 ? Ada : null);
    }

    public sealed class MathService : MicronService
    {
        protected override void Map(IServiceRoutes routes) => routes.AddPattern("multiply", (Operands o) => o.First * o.Second);
    }

    public sealed class FrontService(IUsers users, IMicron micron) : MicronService
    {
        protected override void Map(IServiceRoutes routes)
        {
            routes.MapGet("/hello/{name}", (string name) => $"Hello, {name}");
            routes.MapGet("/user/{id}", async (int id, CancellationToken cancellationToken) => await users.GetUserById(id, cancellationToken));
            routes.MapGet("/multiply/{a}/{b}", (long a, long b, CancellationToken cancellationToken) => micron.Act<long>("multiply", new { first = a, second = b }, cancellationToken));
            routes.MapGet("/profile/{id}", async (int id, CancellationToken cancellationToken) =>
            {
                var user = await users.GetUserById(id, cancellationToken) ?? throw new Http.HttpError(404, "no such user");
                var score = await micron.Act<long>("multiply", new { first = user.Id, second = user.Username.Length }, cancellationToken);
                return new { user, score };
            });
        }
    }
}
