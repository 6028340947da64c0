using System.Diagnostics;

namespace Haechi.Cli.Forensics;

/// <summary>Prints an HTML report to PDF with headless Chromium (<c>HAECHI_CHROMIUM</c>, default <c>/usr/bin/chromium</c>).</summary>
internal static class PdfPrinter
{
    public const string DefaultChromium = "/usr/bin/chromium";

    public static string ChromiumPath => Environment.GetEnvironmentVariable("HAECHI_CHROMIUM") is { Length: > 0 } configured ? configured : DefaultChromium;

    /// <summary>Prints <paramref name="html"/> into <paramref name="pdfPath"/>; returns an error sentence or null.</summary>
    public static async Task<string?> PrintAsync(string html, string pdfPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var chromium = ChromiumPath;
        if (!File.Exists(chromium))
        {
            return "Chromium was not found at " + chromium + " (install Debian's chromium or set HAECHI_CHROMIUM).";
        }

        var work = Directory.CreateTempSubdirectory("haechi-pdf-");
        try
        {
            var htmlPath = Path.Combine(work.FullName, "report.html");
            await File.WriteAllTextAsync(htmlPath, html, cancellationToken).ConfigureAwait(false);
            var output = Path.Combine(work.FullName, "report.pdf");
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-pdf-header-footer", "--user-data-dir=" + Path.Combine(work.FullName, "profile"),
                "--print-to-pdf=" + output, new Uri(htmlPath).AbsoluteUri])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new IOException("Chromium did not start.");
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return "Chromium did not finish printing within " + timeout.TotalSeconds + " s.";
            }

            await Task.WhenAll(stderr, stdout).ConfigureAwait(false);
            if (!File.Exists(output) || new FileInfo(output).Length == 0)
            {
                return "Chromium exited with code " + process.ExitCode + " without writing a PDF.";
            }

            File.Copy(output, pdfPath, overwrite: true);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return ex.Message;
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still hold profile files for a moment; the temp folder is left behind.
            }
        }
    }
}
