using System.Text.Json;

namespace Micron.Tests.Support;

/// <summary>Reads a problem document from a response and checks its shape.</summary>
public sealed record Problem(int Status, string Title, string Detail, string Code, string TraceId, string? Stack)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var json = await response.Content.ReadAsStringAsync();
        var problem = JsonSerializer.Deserialize<Problem>(json, JsonSerializerOptions.Web)!;
        problem.Status.ShouldBe((int)response.StatusCode, json);
        problem.TraceId.ShouldNotBeNullOrEmpty();
        return problem;
    }
}
