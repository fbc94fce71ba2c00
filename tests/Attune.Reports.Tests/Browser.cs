using System.Diagnostics;
using PuppeteerSharp;

namespace Attune.Reports.Tests;

/// <summary>What a page did in the browser: console errors, page errors, requests that left the file, each chart's
/// drawn content, and how long it took to be ready.</summary>
internal sealed record PageCheck(List<string> Errors, List<string> Requests, List<ChartState> Charts, TimeSpan Ready, string Screenshot, TableState Table);

/// <summary>The page's first table: rows in the DOM, its pager's text, and what clicking its third heading did (time,
/// that column's first values afterwards).</summary>
internal sealed record TableState(int RowsInDom, string Pager, double SortMs, double[] SortedColumn);

/// <summary>One chart container after drawing: plotly's traces in it, its SVG layers, its WebGL canvases (drawn size).</summary>
internal sealed record ChartState(string Id, int Traces, int Svg, int DrawnCanvases, int SvgMarks);

/// <summary>
/// Debian's chromium (/usr/bin/chromium) in headless mode through PuppeteerSharp, with no browser download. WebGL runs
/// on SwiftShader (software), as on a machine without a GPU. Missing chromium skips locally and fails under CI=true
/// (.ci/run installs it).
/// </summary>
internal static class Browser
{
    public const string Chromium = "/usr/bin/chromium";

    public static void RequireChromium()
    {
        bool present = File.Exists(Chromium);
        if (!present && Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail($"Chromium is missing at {Chromium}; CI installs it (apt-get install chromium in .ci/run). Expected the browser tests to run, not skip.");
        Skip.If(!present, $"No chromium at {Chromium} (apt-get install -y chromium); the browser tests are skipped outside CI.");
    }

    public static async Task<PageCheck> Open(string htmlPath, string screenshotName, int timeoutMs = 120_000, bool fullPage = true)
    {
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = Chromium,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
            Timeout = 60_000,
        });
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1400, Height = 1000 });
        var errors = new List<string>();
        var requests = new List<string>();
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) lock (errors) errors.Add("console: " + e.Message.Text); };
        page.PageError += (_, e) => { lock (errors) errors.Add("page error: " + e.Message); };
        page.RequestFailed += (_, e) => { lock (errors) errors.Add("request failed: " + e.Request.Url); };
        page.Request += (_, e) =>
        {
            string url = e.Request.Url;
            if (!url.StartsWith("file:", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal))
                lock (requests) requests.Add(url);
        };
        var clock = Stopwatch.StartNew();
        await page.GoToAsync(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri, new NavigationOptions { Timeout = timeoutMs, WaitUntil = [WaitUntilNavigation.Load] });
        await page.WaitForFunctionAsync("() => document.body.dataset.ready === '1' || document.body.dataset.ready === 'error'", new WaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 50 });
        var ready = clock.Elapsed;
        var charts = await page.EvaluateFunctionAsync<ChartState[]>("""
            () => Array.from(document.querySelectorAll('.chart')).map(d => ({
              id: d.id,
              traces: (d._fullData || []).length,
              svg: d.querySelectorAll('svg.main-svg').length,
              drawnCanvases: Array.from(d.querySelectorAll('canvas')).filter(c => c.width > 0 && c.height > 0).length,
              svgMarks: d.querySelectorAll('g.trace path, g.trace .point, g.barlayer path, g.trace.bars path').length,
            }))
            """);
        string shot = Path.Combine(Artifacts.Directory, screenshotName);
        await page.ScreenshotAsync(shot, new ScreenshotOptions { FullPage = fullPage });
        // After the screenshot, so the picture shows the table as it opens.
        var table = await page.EvaluateFunctionAsync<TableState>("""
            () => {
              const t = document.querySelector('main table:not(.facts)');
              const rows = t.querySelectorAll('tbody tr').length;
              const pager = (t.closest('section').querySelector('.pager span') || {}).textContent || '';
              const start = performance.now();
              t.querySelectorAll('thead th')[2].click();
              const sortMs = performance.now() - start;
              const sorted = Array.from(t.querySelectorAll('tbody tr')).slice(0, 10).map(r => parseFloat(r.children[2].textContent));
              return { rowsInDom: rows, pager: pager, sortMs: sortMs, sortedColumn: sorted };
            }
            """);
        return new PageCheck(errors, requests, charts.ToList(), ready, shot, table);
    }
}
