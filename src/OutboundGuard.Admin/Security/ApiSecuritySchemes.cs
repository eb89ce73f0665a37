using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OutboundGuard.Admin.Security;

/// <summary>Declares in the OpenAPI document how the API authenticates: an API key as a Bearer token or in <c>X-Api-Key</c>.</summary>
internal sealed class ApiSecuritySchemes : IOpenApiDocumentTransformer
{
    public const string Bearer = "Bearer";
    public const string ApiKey = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key made by `outboundguard apikeys create NAME --role ROLE`, sent as `Authorization: Bearer <key>`.",
        };
        document.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "The same API key in the X-Api-Key header.",
        };

        // Either scheme satisfies every operation (two requirement objects: one or the other).
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] });
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, document)] = [] });
        return Task.CompletedTask;
    }
}
