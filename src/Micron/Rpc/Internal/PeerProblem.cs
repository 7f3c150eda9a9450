using System.Text.Json;
using Micron.Security.Internal;

namespace Micron.Rpc.Internal;

/// <summary>
/// Reads the error another host answered, and says in one line when it refused this host itself (a wrong secret, an
/// address it does not allow) rather than the call: <c>401 from http://10.0.0.5:3000: wrong secret</c>.
/// </summary>
internal static class PeerProblem
{
    /// <summary>Reads the <c>code</c> and <c>detail</c> of a problem answer, or what the status says when there is none.</summary>
    public static async Task<(string Code, string Detail)> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var fallback = (Http.ErrorCodes.FromStatus((int)response.StatusCode), response.ReasonPhrase ?? response.StatusCode.ToString());
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            return (
                root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString()! : fallback.Item1,
                root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()! : fallback.Item2);
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    /// <summary>The line that says a peer refused this host; <see langword="null"/> when the answer is about something else.</summary>
    /// <param name="status">The status the peer answered.</param>
    /// <param name="code">The error code it gave.</param>
    /// <param name="peer">The peer's base URL.</param>
    public static string? Refusal(int status, string code, string peer)
    {
        var reason = code switch
        {
            // Every request between hosts is signed: a signature refused means another secret ("unauthorized" could be the service's own).
            SecurityErrors.SignatureInvalid => "wrong secret",
            SecurityErrors.SignatureExpired => "the signature was too old when it arrived (are the two machines' clocks apart?)",
            SecurityErrors.IpNotAllowed => "this host's address is not in its --allow-ip list",
            _ => null,
        };
        return reason is null ? null : $"{status} from {peer.TrimEnd('/')}: {reason}";
    }
}
