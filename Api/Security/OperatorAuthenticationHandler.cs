using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PayGateway.Api.Hosting;
using PayGateway.Api.Problems;

namespace PayGateway.Api.Security;

/// <summary>
/// Operators authenticate with a token: <c>Authorization: Bearer TOKEN</c> for tools, or HTTP Basic with the
/// token as password for a browser opening the dashboard. Basic counts only under <see cref="DashboardPath"/>: a
/// browser that signed in there sends the cached credentials with every request to this host, a cross-site form POST
/// included (no preflight), so taking them on the operator API would let any web page resolve review items, resend
/// notifications or start reconciliations in the operator's name. Only SHA-256 hashes of tokens are configured, and
/// comparison is constant-time.
/// </summary>
public sealed class OperatorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiOptions> apiOptions) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "Operator";
    public const string PolicyName = "Operator";
    public const string DashboardPath = "/dashboard";

    private bool ForDashboard => Request.Path.StartsWithSegments(DashboardPath);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        string? token = null;
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            if (!ForDashboard)
            {
                return Task.FromResult(AuthenticateResult.Fail("Basic credentials are for the dashboard only."));
            }
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':');
                token = colon >= 0 ? decoded[(colon + 1)..] : null;
            }
            catch (FormatException)
            {
                return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
            }
        }
        if (string.IsNullOrEmpty(token))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!IsKnownToken(token))
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown operator token."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, "operator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Basic makes a browser ask for credentials on the dashboard. Elsewhere it would have the browser ask for
        // credentials the operator API then refuses: tools there use Bearer.
        Response.Headers.WWWAuthenticate = ForDashboard ? "Basic realm=\"paygw-operator\", charset=\"UTF-8\"" : "Bearer realm=\"paygw-operator\"";
        await ProblemCatalog.WriteAsync(Context, ErrorCodes.OperatorUnauthorized, ForDashboard
            ? "Send an operator token as the Basic password or as a Bearer token."
            : "Send an operator token as a Bearer token (Basic credentials are taken on the dashboard only).");
    }

    private bool IsKnownToken(string token)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var match = false;
        foreach (var configured in apiOptions.Value.OperatorTokenSha256)
        {
            // Every entry is 64 hex digits: checked when the host starts.
            match |= CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(configured));
        }
        return match;
    }
}
