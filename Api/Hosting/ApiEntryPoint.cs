namespace PayGateway.Api.Hosting;

/// <summary>
/// Names this assembly for <c>WebApplicationFactory</c>. (Every .NET 10 web project has a public
/// <c>Program</c>, so the tests, which see two web projects, need an unambiguous type.)
/// </summary>
public sealed class ApiEntryPoint;
