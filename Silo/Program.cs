using PayGateway.Hosting;
using PayGateway.Silo.Hosting;
using PayGateway.Silo.Storage;

var builder = Host.CreateApplicationBuilder(args);
RequiredSettings.Check(builder.Configuration, "The silo", SiloConfiguration.RequiredKeys);

if (builder.Configuration.GetValue(SiloConfiguration.MigrateOnStartKey, false))
{
    using var loggerFactory = LoggerFactory.Create(b => b.AddConsole());
    await new SchemaMigrator(builder.Configuration.GetConnectionString("Gateway")!, SchemaMigrator.DefaultSqlDirectory,
        loggerFactory.CreateLogger<SchemaMigrator>()).MigrateAsync();
}

builder.UseOrleans(silo => silo.AddPaymentGateway(builder.Configuration));
await builder.Build().RunAsync();
