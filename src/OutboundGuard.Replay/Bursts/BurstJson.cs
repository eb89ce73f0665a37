using System.Text.Json;
using System.Text.Json.Serialization;

namespace OutboundGuard.Replay.Bursts;

/// <summary>The JSON conventions of the burst format and the reports: snake_case names, nulls left out.</summary>
public static class BurstJson
{
    /// <summary>One object per line (manifest.jsonl).</summary>
    public static JsonSerializerOptions Line { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Indented documents (accounts.json, reports).</summary>
    public static JsonSerializerOptions Document { get; } = new(Line) { WriteIndented = true };
}
