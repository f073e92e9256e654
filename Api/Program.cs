using PayGateway.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayApi();

var app = builder.Build();
app.MapGatewayApi();
app.Run();
