using Micron.Services;

namespace Micron.Benchmarks;

/// <summary>The remote-call benchmark's contract: a small request, a small record back.</summary>
[MicronContract("quote")]
public interface IQuote
{
    Task<Quote> GetQuote(int productId, CancellationToken cancellationToken = default);
}

public sealed record Quote(int ProductId, decimal Price);

public sealed record QuoteRequest(int ProductId);

public sealed class QuoteService : MicronService, IQuote
{
    public Task<Quote> GetQuote(int productId, CancellationToken cancellationToken = default)
        => Task.FromResult(new Quote(productId, productId * 1.5m));
}
