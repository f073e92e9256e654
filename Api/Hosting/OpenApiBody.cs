using Microsoft.OpenApi;

namespace PayGateway.Api.Hosting;

/// <summary>
/// Documents a JSON request body that the handler reads itself (it must: the signature covers the raw bytes).
/// <c>Accepts&lt;T&gt;()</c> would also document it, but would make routing answer a wrong content type with a bare
/// 415 before the handler can answer with a problem body.
/// </summary>
public static class OpenApiBody
{
    public static TBuilder DocumentsJsonBody<TBuilder, TBody>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}
