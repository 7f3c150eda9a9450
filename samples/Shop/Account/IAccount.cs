namespace Shop.Account;

/// <summary>The account service's contract: what other services may ask of it.</summary>
[MicronContract("account")]
public interface IAccount
{
    /// <summary>Finds a user by id.</summary>
    /// <param name="id">The user's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user, or <see langword="null"/> when there is none.</returns>
    Task<User?> GetUserById(int id, CancellationToken cancellationToken = default);
}
