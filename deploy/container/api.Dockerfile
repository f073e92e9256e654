# The API host (Api/, PayGateway.Api.dll): merchant REST, channel callbacks, operator API, dashboard.
# Build from the repository root: docker build -f deploy/container/api.Dockerfile -t paygw-api .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a source change does not re-download packages.
COPY Directory.Build.props Directory.Packages.props ./
COPY Grains.Interfaces/Grains.Interfaces.csproj Grains.Interfaces/
COPY Api/Api.csproj Api/
RUN dotnet restore Api/Api.csproj
COPY Grains.Interfaces/ Grains.Interfaces/
COPY Api/ Api/
RUN dotnet publish Api/Api.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# Plain HTTP inside the cluster; TLS ends at the ingress or load balancer.
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# The image's unprivileged user (uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "PayGateway.Api.dll"]
