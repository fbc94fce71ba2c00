using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Attune.Reports;

/// <summary>One plotly.js figure of a page: its traces and layout as plotly.js's JSON schema has them.</summary>
internal sealed record Figure(string Id, string Title, string Note, JsonArray Data, JsonObject Layout);

/// <summary>A table the page sorts and pages in the browser (only one page of rows is in the DOM at a time, so 10,000
/// trials cost 10,000 array entries, not 10,000 rows). <paramref name="Rows"/> holds one array per row.</summary>
internal sealed record Table(string Id, string Title, string Note, IReadOnlyList<string> Columns, JsonArray Rows, int PageSize = 50);

/// <summary>
/// A report page: a title, facts, figures and tables, written as one HTML file with everything inline — plotly.js,
/// the page's script and style, and the data as JSON — so it opens offline and can be mailed or archived as it is.
/// </summary>
internal sealed class ReportPage(string title, string subtitle)
{
    public List<(string Name, string Value)> Facts { get; } = new();
    public List<Figure> Figures { get; } = new();
    public List<Table> Tables { get; } = new();

    public void Write(string htmlPath)
    {
        ArgumentNullException.ThrowIfNull(htmlPath);
        string full = Path.GetFullPath(htmlPath);
        if (Path.GetDirectoryName(full) is { Length: > 0 } directory) Directory.CreateDirectory(directory);
        var html = new StringBuilder(PlotlyScript.Text.Length + (1 << 20));
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n<style>\n").Append(Resource("report.css")).Append("</style>\n")
            .Append("<script>/* plotly.js ").Append(PlotlyScript.Version).Append(" (MIT), inlined so the page works offline */\n")
            .Append(PlotlyScript.Text).Append("\n</script>\n</head>\n<body>\n<header><h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1><p>")
            .Append(WebUtility.HtmlEncode(subtitle)).Append("</p></header>\n<main id=\"report\"></main>\n")
            // The default encoder escapes <, >, & and quotes as \uXXXX, so no data text can end the script element early.
            .Append("<script type=\"application/json\" id=\"report-data\">").Append(Data().ToJsonString()).Append("</script>\n<script>\n")
            .Append(Resource("report.js")).Append("</script>\n</body>\n</html>\n");
        // Written to a temporary file and moved: an open browser tab or a reader never sees half a page.
        string temp = full + ".tmp";
        File.WriteAllText(temp, html.ToString(), new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }

    private JsonObject Data()
    {
        var facts = new JsonArray();
        foreach (var (name, value) in Facts) facts.Add(new JsonArray(name, value));
        var figures = new JsonArray();
        foreach (var f in Figures)
            figures.Add(new JsonObject { ["id"] = f.Id, ["title"] = f.Title, ["note"] = f.Note, ["data"] = f.Data, ["layout"] = f.Layout });
        var tables = new JsonArray();
        foreach (var t in Tables)
        {
            var columns = new JsonArray();
            foreach (var c in t.Columns) columns.Add(c);
            tables.Add(new JsonObject { ["id"] = t.Id, ["title"] = t.Title, ["note"] = t.Note, ["columns"] = columns, ["rows"] = t.Rows, ["pageSize"] = t.PageSize });
        }
        return new JsonObject { ["facts"] = facts, ["figures"] = figures, ["tables"] = tables };
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Attune.Reports." + name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>JSON values for figures: non-finite numbers become null (a gap, to plotly.js; JSON has no NaN).</summary>
internal static class J
{
    public static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    public static JsonArray Nums(IEnumerable<double> values)
    {
        var a = new JsonArray();
        foreach (var v in values) a.Add(Num(v));
        return a;
    }

    public static JsonArray Array(IEnumerable<JsonNode?> values)
    {
        var a = new JsonArray();
        foreach (var v in values) a.Add(v);
        return a;
    }

    public static JsonArray Strings(IEnumerable<string> values)
    {
        var a = new JsonArray();
        foreach (var v in values) a.Add(v);
        return a;
    }

    public static JsonObject Axis(string title, bool log = false)
    {
        var axis = new JsonObject { ["title"] = new JsonObject { ["text"] = title }, ["automargin"] = true };
        if (log) axis["type"] = "log";
        return axis;
    }
}
