using System;
using System.IO;
using System.Reflection;

namespace Attune.Reports;

/// <summary>
/// plotly.js, minified, as Plotly.NET embeds it in its assembly (the same file Plotly.NET's <c>PlotlyJSReference.Full</c>
/// inlines). Read once per process; every report page inlines it, so a page works offline.
/// </summary>
internal static class PlotlyScript
{
    private const string Prefix = "Plotly.NET.plotly-", Suffix = ".min.js";
    private static readonly Lazy<(string Version, string Text)> Script = new(Load);

    /// <summary>The plotly.js version inlined (from the resource's name, e.g. 2.28.0).</summary>
    public static string Version => Script.Value.Version;

    /// <summary>The script text, safe to put between &lt;script&gt; tags.</summary>
    public static string Text => Script.Value.Text;

    private static (string, string) Load()
    {
        Assembly assembly = typeof(Plotly.NET.GenericChart).Assembly;
        var names = assembly.GetManifestResourceNames();
        string name = Array.Find(names, n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(Suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"plotly.js was expected as a resource '{Prefix}<version>{Suffix}' of {assembly.FullName}, but that assembly has " +
                string.Join(", ", names) + ". The Plotly.NET version does not match the one Attune.Reports was built with.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        // An HTML parser ends a script element at "</script" whatever the JavaScript means; "<\/" is the same string in JS.
        return (name[Prefix.Length..^Suffix.Length], reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase));
    }
}
