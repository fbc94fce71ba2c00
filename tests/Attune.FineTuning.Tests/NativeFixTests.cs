using System.Diagnostics;
using System.Text;

namespace Attune.FineTuning.Tests;

/// <summary>The libstdc++ fix that lets TorchSharp 0.107 load on Debian 12 / Ubuntu 22.04 / RHEL 9.</summary>
public class NativeFixTests
{
    private static byte[] OriginalLibrary()
    {
        var path = TorchSharpNative.FindLibrary();
        Assert.NotNull(path);
        return File.ReadAllBytes(path!);
    }

    [Fact]
    public void The_shipped_library_needs_GLIBCXX_3_4_32_and_the_patch_removes_the_need()
    {
        var image = OriginalLibrary();
        Assert.True(ElfSymbolVersionPatch.NeedsPatch(image, "original"));

        var patched = (byte[])image.Clone();
        Assert.Equal(ElfPatchOutcome.Patched, ElfSymbolVersionPatch.Apply(patched, "copy"));

        Assert.False(ElfSymbolVersionPatch.NeedsPatch(patched, "copy"));
        Assert.Equal(image.Length, patched.Length);
        // Three small in-place edits: the renamed string, one version index, one flag.
        int changed = image.Zip(patched).Count(pair => pair.First != pair.Second);
        Assert.InRange(changed, 3, ElfSymbolVersionPatch.OldSymbol.Length + 4);
        Assert.Contains(ElfSymbolVersionPatch.NewSymbol + "\0", Encoding.ASCII.GetString(patched));
    }

    [Fact]
    public void Patching_twice_changes_nothing_the_second_time()
    {
        var image = OriginalLibrary();
        ElfSymbolVersionPatch.Apply(image, "copy");
        var once = (byte[])image.Clone();

        Assert.Equal(ElfPatchOutcome.AlreadyPatched, ElfSymbolVersionPatch.Apply(image, "copy"));
        Assert.Equal(once, image);
    }

    [Fact]
    public void Readelf_sees_the_symbol_bound_to_GLIBCXX_3_4_and_the_need_weak()
    {
        if (!File.Exists("/usr/bin/readelf")) return; // binutils is optional; the byte-level test above still runs
        var image = OriginalLibrary();
        ElfSymbolVersionPatch.Apply(image, "copy");
        var file = Path.Combine(Path.GetTempPath(), $"attune-readelf-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(file, image);
        try
        {
            string symbols = Run("/usr/bin/readelf", $"--dyn-syms -W {file}");
            string versions = Run("/usr/bin/readelf", $"-V -W {file}");
            Assert.Contains("_ZNSt8ios_base4InitC1Ev@GLIBCXX_3.4 ", symbols);
            Assert.DoesNotContain("ios_base_library_init", symbols);
            Assert.Matches(@"Name: GLIBCXX_3\.4\.32\s+Flags: WEAK", versions);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_refused_with_its_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ElfSymbolVersionPatch.Apply(Encoding.ASCII.GetBytes("not a library at all, just some text padding it out to more than sixty-four bytes"), "/x/notelf.so"));
        Assert.Contains("/x/notelf.so", error.Message);
        Assert.Contains("not an ELF file", error.Message);
    }

    [Fact]
    public void A_truncated_library_is_refused_not_corrupted()
    {
        var image = OriginalLibrary()[..200_000];
        var error = Assert.Throws<InvalidOperationException>(() => ElfSymbolVersionPatch.Apply(image, "cut.so"));
        Assert.Contains("cut.so", error.Message);
    }

    [Fact]
    public void The_loader_is_asked_about_libstdcxx_versions()
    {
        // Every libstdc++ since GCC 3.4 defines this; no libstdc++ defines a version from the future.
        Assert.True(LibStdCxx.HasVersion(ElfSymbolVersionPatch.NewSymbol, ElfSymbolVersionPatch.BaseVersion));
        Assert.False(LibStdCxx.HasVersion(ElfSymbolVersionPatch.NewSymbol, "GLIBCXX_9.9.99"));
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("false", true)]
    [InlineData(" OFF ", true)]
    [InlineData("no", true)]
    [InlineData("1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_environment_opt_out(string? value, bool optedOut) => Assert.Equal(optedOut, TorchSharpNative.IsOptedOut(value));

    [Fact]
    public void In_this_process_TorchSharp_loads_and_the_result_says_why()
    {
        using var sum = TorchSharp.torch.ones(3).sum();
        Assert.Equal(3f, sum.item<float>());
        var result = TorchSharpNative.LastResult;
        Assert.NotNull(result);
        var expected = LibStdCxx.HasVersion(ElfSymbolVersionPatch.OldSymbol, ElfSymbolVersionPatch.MissingVersion) == true
            ? NativeFixStatus.NotNeeded
            : NativeFixStatus.Applied;
        Assert.Equal(expected, result!.Status);
        if (expected == NativeFixStatus.Applied)
        {
            // The app folder is never modified; the patched copy lives in the cache.
            Assert.NotEqual(result.OriginalLibrary, result.PatchedLibrary);
            Assert.True(ElfSymbolVersionPatch.NeedsPatch(File.ReadAllBytes(result.OriginalLibrary!), "original"));
        }
    }

    [Fact]
    public void The_cached_copy_is_reused_and_made_atomically()
    {
        var root = Path.Combine(Path.GetTempPath(), $"attune-cache-{Guid.NewGuid():N}");
        var previous = Environment.GetEnvironmentVariable("ATTUNE_NATIVE_CACHE");
        Environment.SetEnvironmentVariable("ATTUNE_NATIVE_CACHE", root);
        try
        {
            var original = TorchSharpNative.FindLibrary()!;
            var image = File.ReadAllBytes(original);
            var first = TorchSharpNative.PatchedCopy(original, image);
            var stamp = File.GetLastWriteTimeUtc(first);
            var second = TorchSharpNative.PatchedCopy(original, image);
            Assert.Equal(first, second);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(second));
            Assert.StartsWith(root, first);
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(first)!)); // no temp files left behind
            Assert.False(ElfSymbolVersionPatch.NeedsPatch(File.ReadAllBytes(first), first));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ATTUNE_NATIVE_CACHE", previous);
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
