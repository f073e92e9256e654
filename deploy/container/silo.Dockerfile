# The Orleans silo (Silo/, PayGateway.Silo.dll) with the schema files its migrator applies.
# Build from the repository root: docker build -f deploy/container/silo.Dockerfile -t paygw-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a source change does not re-download packages.
COPY Directory.Build.props Directory.Packages.props ./
COPY Grains.Interfaces/Grains.Interfaces.csproj Grains.Interfaces/
COPY Grains/Grains.csproj Grains/
COPY Silo/Silo.csproj Silo/
RUN dotnet restore Silo/Silo.csproj
COPY Grains.Interfaces/ Grains.Interfaces/
COPY Grains/ Grains/
COPY Silo/ Silo/
# Silo.csproj links ..\deploy\sql\*.sql into the output's sql/ folder, where SchemaMigrator looks (AppContext.BaseDirectory/sql).
COPY deploy/sql/ deploy/sql/
RUN dotnet publish Silo/Silo.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Silo-to-silo and client (gateway) ports: Orleans:SiloPort and Orleans:GatewayPort.
EXPOSE 11111 30000
# The image's unprivileged user (uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "PayGateway.Silo.dll"]
