using System.Text.Json.Nodes;

namespace PayGateway.Tests.Infrastructure;

/// <summary>Checks the whole problem body, not just the status.</summary>
public static class ProblemAssert
{
    public static async Task IsProblemAsync(HttpResponseMessage response, int status, string code, string why)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{why}: expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Equal(status, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
    }
}
