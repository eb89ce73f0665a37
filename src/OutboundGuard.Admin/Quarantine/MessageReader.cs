using MimeKit;
using OutboundGuard.Admin.Content;
using OutboundGuard.Storage.Spool;

namespace OutboundGuard.Admin.Quarantine;

/// <summary>Reads a spooled message for review with bounded MIME parsing; never executes or renders its content.</summary>
public static class MessageReader
{
    /// <summary>Body text shown at most, in characters. 64 KiB.</summary>
    public const int MaxShownChars = 64 * 1024;

    private static readonly ParserOptions Parsing = new()
    {
        MaxMimeDepth = 32,
        AllowAddressesWithoutDomain = true,
        RespectContentLength = false,
    };

    /// <summary>Loads the message at <paramref name="spoolPath"/>, or null when the file is gone or not MIME.</summary>
    public static async Task<MimeMessage?> LoadAsync(string spoolPath, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = FileSpool.OpenRead(spoolPath);
            return await MimeMessage.LoadAsync(Parsing, stream, persistent: false, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The safe view of a spooled message.</summary>
    public static async Task<MessageView> ViewAsync(string spoolPath, IMessageContent content, CancellationToken cancellationToken)
    {
        var message = await LoadAsync(spoolPath, cancellationToken);
        if (message is null)
        {
            return new MessageView([], "", null, [], null, File.Exists(spoolPath) ? "The content is not a readable MIME message." : "The content is no longer in the spool.");
        }

        var headers = message.Headers.Select(h => new KeyValuePair<string, string>(h.Field, h.Value)).ToList();
        var text = message.TextBody;
        var html = message.HtmlBody;
        if (string.IsNullOrEmpty(text))
        {
            text = content.Text(message).Body;
        }

        var attachments = message.Attachments.Select(a => $"{a.ContentDisposition?.FileName ?? a.ContentType.Name ?? "(unnamed)"} ({a.ContentType.MimeType})").ToList();
        return new MessageView(headers, Cut(text ?? ""), html is null ? null : Cut(html), attachments, content.Fingerprint(message), null);
    }

    private static string Cut(string s) => s.Length <= MaxShownChars ? s : s[..MaxShownChars] + "\n[… cut]";
}
