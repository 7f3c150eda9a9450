namespace Shop.Account;

/// <summary>A Shop user as other services see it.</summary>
/// <param name="Id">The user's id.</param>
/// <param name="Username">The user's login name.</param>
public sealed record User(int Id, string Username);
