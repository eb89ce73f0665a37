using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using OutboundGuard.Storage.Import;

namespace OutboundGuard.Admin.Apis;

/// <summary>
/// The body of a bulk import call (<c>POST /api/accounts/import</c>, <c>POST /api/tenants/import</c>): JSON Lines
/// (application/x-ndjson) or CSV (text/csv) by Content-Type; anything else is 415 with the accepted types named.
/// </summary>
public static class ImportRequest
{
    /// <summary>The media types an import accepts, for the OpenAPI document.</summary>
    public static readonly string[] MediaTypes = ["application/x-ndjson", "text/csv"];

    /// <summary>The body's text and format, or the 415 problem to return.</summary>
    public static async Task<(string Text, ImportFormat Format, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, string what, CancellationToken cancellationToken)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        ImportFormat format;
        switch (mediaType)
        {
            case "application/x-ndjson" or "application/jsonl" or "application/json-lines": format = ImportFormat.JsonLines; break;
            case "text/csv": format = ImportFormat.Csv; break;
            default:
                return ("", default, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                    detail: $"Send the {what} as application/x-ndjson (JSON Lines) or text/csv, not {mediaType ?? "no Content-Type"}."));
        }

        using var reader = new StreamReader(request.Body);
        return (await reader.ReadToEndAsync(cancellationToken), format, null);
    }
}
