namespace OutboundGuard.Admin.Ui;

/// <summary>The one style sheet, inline in every page (the content security policy allows nothing from elsewhere).</summary>
internal static class UiStyle
{
    // One line: Razor encodes the text it writes, and an encoded line break (&#xA;) inside <style> is not CSS.
    public static readonly string Css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}
        header{background:#1f2937;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
        header nav{display:flex;gap:12px;flex-wrap:wrap}header a{color:#e5e7eb;text-decoration:none}header .who{margin-left:auto;color:#9ca3af}
        main{padding:16px;max-width:1200px}h1{font-size:20px}h2{font-size:16px;margin-top:24px}h3{font-size:14px;margin:12px 0 4px}
        table{border-collapse:collapse;width:100%;background:#fff}td,th{border-bottom:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
        .state-suspended{color:#b91c1c;font-weight:600}.state-throttled{color:#b45309;font-weight:600}.state-active{color:#15803d;font-weight:600}
        .box{background:#fff;border:1px solid #e5e7eb;padding:8px 12px;margin:8px 0}
        pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #e5e7eb;padding:8px;max-height:400px;overflow:auto}
        form.inline{display:inline-block;margin:4px 8px 4px 0;padding:8px;border:1px solid #e5e7eb;background:#fff;vertical-align:top}
        form.inline .what{display:block;max-width:360px;color:#4b5563;font-size:12px;margin-bottom:4px}
        form.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:end;background:#fff;border:1px solid #e5e7eb;padding:8px;margin:8px 0}
        form.filters label{display:flex;flex-direction:column;font-size:12px;color:#4b5563}
        input[type=text],input[type=password],input[type=number],select{padding:4px}.notice{background:#ecfdf5;border:1px solid #10b981;padding:8px}
        .error{background:#fef2f2;border:1px solid #ef4444;padding:8px}.muted{color:#6b7280}
        details summary{cursor:pointer}.legend span{display:inline-block;margin-right:12px;font-size:12px}
        .legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
        """.ReplaceLineEndings("");
}
