using System.Collections.Frozen;

namespace Shop.Account;

/// <summary>Users and, later, sessions. Implements <see cref="IAccount"/> for the other services.</summary>
public sealed class AccountService : MicronService, IAccount
{
    private FrozenDictionary<int, User> _users = FrozenDictionary<int, User>.Empty;

    /// <inheritdoc />
    public override Task InitAsync(CancellationToken cancellationToken)
    {
        // The seed's example account: user 1 is "micromono".
        _users = new Dictionary<int, User> { [1] = new User(1, "micromono") }.ToFrozenDictionary();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<User?> GetUserById(int id, CancellationToken cancellationToken = default)
        => Task.FromResult(_users.GetValueOrDefault(id));
}
