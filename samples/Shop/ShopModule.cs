namespace Shop;

/// <summary>The Shop as a module, so <c>micron run --service-dir</c> registers it the way <c>Program.cs</c> does.</summary>
public sealed class ShopModule : IMicronModule
{
    /// <inheritdoc />
    public void Configure(IMicronBuilder micron) => micron.AddShop();
}
