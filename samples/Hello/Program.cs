using Micron.Http;

// One function is the whole server: what it returns becomes the response.
await MicroServer.RunAsync(args, async context =>
{
    if (HttpMethods.IsPost(context.Request.Method))
    {
        var person = await context.Request.ReadJsonAsync<Person>(cancellationToken: context.RequestAborted);
        return new { hello = person?.Name ?? "stranger" };
    }

    return "Welcome to Micron!";
});

internal sealed record Person(string? Name);
