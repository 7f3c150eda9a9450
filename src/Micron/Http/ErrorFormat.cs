namespace Micron.Http;

/// <summary>How Micron writes error responses.</summary>
public enum ErrorFormat
{
    /// <summary>RFC 7807 <c>application/problem+json</c> with <c>status</c>, <c>title</c>, <c>detail</c>, <c>code</c> and <c>traceId</c>.</summary>
    ProblemJson,

    /// <summary>The message alone as <c>text/plain</c>, as zeit micro answers.</summary>
    PlainText,
}
