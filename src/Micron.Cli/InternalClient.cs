using System.Text;
using System.Text.Json;
using Micron.Security;
using Micron.Security.Internal;

namespace Micron.Cli;

/// <summary>
/// Talks to a host's internal endpoints with requests signed as hosts sign theirs (<c>Micron-Signature</c>, for the host
/// the URL names): the secret itself never crosses the network, and a captured request is good for nothing else.
/// </summary>
internal sealed class InternalClient(HttpClient http) : IDisposable
{
    public static InternalClient Create(string url, string? secret)
    {
        secret ??= Environment.GetEnvironmentVariable("MICRON_SECRET") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : KeyFile.ReadOrCreate(KeyFile.DefaultPath);
        MicronKey key;
        try
        {
            key = new MicronKey(secret);
        }
        catch (ArgumentException)
        {
            throw new CliException("--secret: a Micron secret has at least 16 characters");
        }

        var signing = new SigningHandler(new MicronKeyRing([key]), TimeProvider.System, new SocketsHttpHandler());
        return new InternalClient(new HttpClient(signing) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) });
    }

    public async Task<JsonElement> ServicesAsync(CancellationToken cancellationToken)
        => JsonDocument.Parse(await SendAsync(HttpMethod.Get, "/_micron/services", null, cancellationToken)).RootElement;

    public async Task<string> CallAsync(string target, string args, CancellationToken cancellationToken)
    {
        var dot = target.LastIndexOf('.');
        if (dot <= 0 || dot == target.Length - 1)
        {
            throw new CliException($"'{target}' is not service.Method");
        }

        var (service, method) = (target[..dot], target[(dot + 1)..]);
        var named = await NamedArgumentsAsync(service, method, Parse(args, "args"), cancellationToken);
        return await SendAsync(HttpMethod.Post, $"/_micron/rpc/{service}/{method}", $"{{\"args\":{named}}}", cancellationToken);
    }

    public Task<string> ActAsync(string pattern, string payload, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "/_micron/act", JsonSerializer.Serialize(new { pattern, payload = Parse(payload, "payload") }), cancellationToken);

    public void Dispose() => http.Dispose();

    private static JsonElement Parse(string json, string what)
    {
        try
        {
            return JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException)
        {
            // A bare word is taken as a string, so `micron call account.Find ada` works without quotes.
            return JsonSerializer.SerializeToElement(json);
        }
    }

    // Positional arguments take their names from the method's announced parameters.
    private async Task<string> NamedArgumentsAsync(string service, string method, JsonElement args, CancellationToken cancellationToken)
    {
        if (args.ValueKind == JsonValueKind.Object)
        {
            return args.GetRawText();
        }

        var values = args.ValueKind == JsonValueKind.Array ? [.. args.EnumerateArray()] : new[] { args };
        var services = await ServicesAsync(cancellationToken);
        var announced = services.GetProperty("instances").EnumerateArray()
            .Where(i => string.Equals(i.GetProperty("service").GetString(), service, StringComparison.OrdinalIgnoreCase))
            .SelectMany(i => i.GetProperty("contract").EnumerateArray())
            .FirstOrDefault(m => m.GetProperty("name").GetString() == method);
        if (announced.ValueKind != JsonValueKind.Object)
        {
            throw new CliException($"no known instance of '{service}' announces a method '{method}'; pass the arguments by name as a JSON object");
        }

        var names = announced.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();
        if (values.Length > names.Count)
        {
            throw new CliException($"{service}.{method} takes {names.Count} arguments ({string.Join(", ", names)}), not {values.Length}");
        }

        var named = new Dictionary<string, JsonElement>();
        for (var i = 0; i < values.Length; i++)
        {
            named[names[i]] = values[i];
        }

        return JsonSerializer.Serialize(named);
    }

    private async Task<string> SendAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return text;
        }

        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            var code = problem.GetProperty("code").GetString();
            var hint = code == "signature_audience"
                ? $" (it does not know itself as {MicronSignature.AudienceOf(http.BaseAddress!)}: use the URL it announces, or start it with --public-url)"
                : string.Empty;
            throw new CliException($"{(int)response.StatusCode} {code}: {problem.GetProperty("detail").GetString()}{hint}");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliException($"{(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }
}
