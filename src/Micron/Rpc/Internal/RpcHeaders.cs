namespace Micron.Rpc.Internal;

/// <summary>The wire names of the RPC protocol (see <c>docs/spec/rpc.md</c>).</summary>
internal static class RpcHeaders
{
    /// <summary>The time the caller still waits, in milliseconds; the callee cancels its work after it.</summary>
    public const string Timeout = "Micron-Timeout";

    public const string PathPrefix = "/_micron/rpc/";

    public const string ServiceNotFound = "service_not_found";
    public const string MethodNotFound = "method_not_found";
    public const string InvalidEnvelope = "invalid_envelope";
    public const string InvalidArguments = "invalid_arguments";
    public const string DeadlineExceeded = "deadline_exceeded";
    public const string ServiceUnavailable = "service_unavailable";
    public const string InstanceUnreachable = "instance_unreachable";
    public const string InvalidResponse = "invalid_response";
}
