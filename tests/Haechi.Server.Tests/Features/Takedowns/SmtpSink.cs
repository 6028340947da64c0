using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Haechi.Server.Tests.Features.Takedowns;

/// <summary>
/// A real SMTP server on 127.0.0.1: Debian's python3-aiosmtpd with a small handler that writes each
/// message's raw bytes (and its recipients) to a directory. Missing aiosmtpd skips locally and fails when CI=true.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private const string Handler = """
        import os, sys, threading, uuid
        from aiosmtpd.controller import Controller

        class Sink:
            def __init__(self, directory):
                self.directory = directory

            async def handle_DATA(self, server, session, envelope):
                name = uuid.uuid4().hex
                with open(os.path.join(self.directory, name + '.rcpt'), 'w') as f:
                    f.write('\n'.join(envelope.rcpt_tos))
                tmp = os.path.join(self.directory, name + '.tmp')
                with open(tmp, 'wb') as f:
                    f.write(envelope.original_content or envelope.content)
                os.rename(tmp, os.path.join(self.directory, name + '.eml'))
                return '250 OK'

        controller = Controller(Sink(sys.argv[2]), hostname='127.0.0.1', port=int(sys.argv[1]))
        controller.start()
        print('ready', flush=True)
        threading.Event().wait()
        """;

    private readonly Process _process;

    private SmtpSink(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    public static async Task<SmtpSink> StartAsync()
    {
        const string Python = "/usr/bin/python3";
        using var check = File.Exists(Python) ? Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true }) : null;
        if (check is not null)
        {
            await check.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        if (check is null || check.ExitCode != 0)
        {
            const string Message = "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd; test.sh installs it).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Message);
            }

            Assert.Skip(Message);
        }

        var root = System.IO.Directory.CreateTempSubdirectory("haechi-smtp-").FullName;
        var mail = System.IO.Directory.CreateDirectory(Path.Combine(root, "mail")).FullName;
        var script = Path.Combine(root, "sink.py");
        await File.WriteAllTextAsync(script, Handler, TestContext.Current.CancellationToken);
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(Python, [script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), mail])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        if (line != "ready")
        {
            // Exited (EOF): its error output says why.
            Assert.Fail("aiosmtpd did not start: " + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        // Drained so that a chatty server never blocks on a full pipe.
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        return new SmtpSink(process, port, mail);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived; returns them (raw bytes, parsed, recipients) oldest first.</summary>
    public async Task<List<(byte[] Raw, MimeMessage Message, string Recipients)>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            var files = new DirectoryInfo(Directory).GetFiles("*.eml").OrderBy(f => f.LastWriteTimeUtc).ToList();
            if (files.Count >= count || TimeProvider.System.GetUtcNow() > deadline)
            {
                var result = new List<(byte[], MimeMessage, string)>();
                foreach (var file in files)
                {
                    var raw = await File.ReadAllBytesAsync(file.FullName, TestContext.Current.CancellationToken);
                    using var stream = new MemoryStream(raw);
                    var message = await MimeMessage.LoadAsync(stream, TestContext.Current.CancellationToken);
                    result.Add((raw, message, await File.ReadAllTextAsync(Path.ChangeExtension(file.FullName, ".rcpt"), TestContext.Current.CancellationToken)));
                }

                Assert.True(result.Count >= count, $"expected {count} messages, got {result.Count}");
                return result;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Path.GetDirectoryName(Directory)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
