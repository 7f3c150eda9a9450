using Micron.Hosting;
using Shop;

var builder = MicronApplication.CreateBuilder(args);
builder.Services.AddMicron().AddShop();
await builder.Build().RunAsync();
