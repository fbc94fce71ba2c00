using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Attune.FineTuning;

/// <summary>What <see cref="ElfSymbolVersionPatch.Apply"/> found and did.</summary>
internal enum ElfPatchOutcome
{
    /// <summary>The library needs no GLIBCXX_3.4.32 symbol: nothing to do.</summary>
    NotNeeded = 0,
    /// <summary>The three edits were made.</summary>
    Patched = 1,
    /// <summary>The edits were made earlier (running again changes nothing).</summary>
    AlreadyPatched = 2,
}

/// <summary>
/// Rewrites, in place, the one GCC 13 symbol TorchSharp 0.107's <c>libLibTorchSharp.so</c> needs from libstdc++
/// (<c>std::ios_base_library_init()</c>, version GLIBCXX_3.4.32) so the library loads with GCC 12's libstdc++
/// (Debian 12, Ubuntu 22.04, RHEL 9). Three edits, sizes unchanged:
/// <list type="number">
/// <item>in .dynstr, the undefined symbol's name becomes <c>_ZNSt8ios_base4InitC1Ev</c> (<c>std::ios_base::Init::Init()</c>,
/// which in GCC ≤ 12 only counts a reference and initialises the standard streams — what the GCC 13 function
/// guarantees; it ignores its <c>this</c>);</item>
/// <item>its .gnu.version entry points at the GLIBCXX_3.4 need, which every libstdc++ since GCC 3.4 defines;</item>
/// <item>the GLIBCXX_3.4.32 entry of .gnu.version_r gets VER_FLG_WEAK, so the loader only warns if it is absent.</item>
/// </list>
/// The patch refuses (with a message) anything it does not fully understand rather than guess.
/// </summary>
internal static class ElfSymbolVersionPatch
{
    public const string OldSymbol = "_ZSt21ios_base_library_initv";
    public const string NewSymbol = "_ZNSt8ios_base4InitC1Ev";
    public const string MissingVersion = "GLIBCXX_3.4.32";
    public const string BaseVersion = "GLIBCXX_3.4";

    private const uint ShtDynamic = 6, ShtDynsym = 11, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlagWeak = 2;

    /// <summary>Patches <paramref name="image"/> (a whole ELF file) in place.</summary>
    /// <exception cref="InvalidOperationException">The file is not a 64-bit little-endian ELF shared library, or its
    /// layout makes the edit unsafe; the message says what was found.</exception>
    public static ElfPatchOutcome Apply(byte[] image, string fileNameForMessages)
    {
        var elf = new ElfView(image, fileNameForMessages);
        var needs = elf.ReadVersionNeeds();
        var missing = needs.Find(n => n.Name == MissingVersion);
        if (missing is null)
            return ElfPatchOutcome.NotNeeded;
        var baseNeed = needs.Find(n => n.Name == BaseVersion && n.File == missing.File)
            ?? throw elf.Refuse($"it needs {MissingVersion} but not {BaseVersion} from {missing.File}");

        var users = elf.SymbolsWithVersion(missing.Index);
        bool weak = (missing.Flags & VerFlagWeak) != 0;
        if (users.Count == 0)
            return weak ? ElfPatchOutcome.AlreadyPatched
                : throw elf.Refuse($"{MissingVersion} is needed but no symbol uses it; expected exactly {OldSymbol}");
        if (users.Count != 1 || users[0].Name != OldSymbol || !users[0].Undefined)
            throw elf.Refuse($"expected {MissingVersion} to be needed only by the undefined symbol {OldSymbol}; found {string.Join(", ", users.ConvertAll(u => u.Name))}");

        var symbol = users[0];
        int nameLength = Encoding.ASCII.GetByteCount(OldSymbol);
        // The string table may share suffixes between names (e.g. "...initv" reused by another entry). Renaming is only
        // safe when nothing else points inside the old name.
        foreach (var (offset, owner) in elf.AllStringReferences())
            if (offset > symbol.NameOffset && offset <= symbol.NameOffset + nameLength)
                throw elf.Refuse($"another string ({owner}) shares the bytes of {OldSymbol}; renaming it would corrupt that string");

        elf.WriteString(symbol.NameOffset, NewSymbol, nameLength);
        elf.WriteVersym(symbol.Index, baseNeed.Index);
        elf.WriteNeedFlags(missing, (ushort)(missing.Flags | VerFlagWeak));
        return ElfPatchOutcome.Patched;
    }

    /// <summary>True when the image still needs <see cref="MissingVersion"/> strictly (not weak) through some symbol.</summary>
    public static bool NeedsPatch(byte[] image, string fileNameForMessages)
    {
        var elf = new ElfView(image, fileNameForMessages);
        var missing = elf.ReadVersionNeeds().Find(n => n.Name == MissingVersion);
        return missing is not null && elf.SymbolsWithVersion(missing.Index).Count > 0;
    }

    private sealed record VersionNeed(string File, string Name, ushort Index, ushort Flags, int FlagsOffset, uint NameOffset);

    private sealed record Symbol(int Index, string Name, uint NameOffset, bool Undefined);

    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info, long EntrySize);

    /// <summary>Just enough of an ELF64 little-endian reader for the edit, with bounds checks on every read.</summary>
    private sealed class ElfView
    {
        private readonly byte[] image;
        private readonly string file;
        private readonly List<Section> sections = new();

        public ElfView(byte[] image, string file)
        {
            this.image = image;
            this.file = file;
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                throw Refuse("it is not an ELF file (no \\x7fELF magic)");
            if (image[4] != 2 || image[5] != 1)
                throw Refuse($"expected a 64-bit little-endian ELF; found class {image[4]}, data encoding {image[5]}");
            long shoff = I64(0x28);
            int shentsize = U16(0x3A), shnum = U16(0x3C);
            if (shoff == 0 || shnum == 0 || shentsize < 64)
                throw Refuse("it has no section headers");
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                sections.Add(new Section(U32(h + 4), I64(h + 24), I64(h + 32), U32(h + 40), U32(h + 44), I64(h + 56)));
            }
        }

        public InvalidOperationException Refuse(string why) =>
            new($"Attune cannot patch '{file}' for {MissingVersion}: {why}. Set ATTUNE_NATIVE_FIX=0 to turn the automatic fix off, and see DEVELOPERS.md for the manual recipe.");

        private Section One(uint type) => sections.FindAll(s => s.Type == type) switch
        {
            { Count: 1 } list => list[0],
            var list => throw Refuse($"expected one section of type 0x{type:x}; found {list.Count}"),
        };

        private Section? Optional(uint type) => sections.Find(s => s.Type == type) is { Type: not 0 } s ? s : null;

        private Section DynStr => sections[checked((int)One(ShtDynsym).Link)];

        public List<VersionNeed> ReadVersionNeeds()
        {
            var result = new List<VersionNeed>();
            if (Optional(ShtGnuVerneed) is not { } verneed) return result;
            long entry = verneed.Offset;
            for (uint n = 0; n < verneed.Info; n++)
            {
                int count = U16(entry + 2);
                string fileName = String(U32(entry + 4));
                long aux = entry + U32(entry + 8);
                for (int a = 0; a < count; a++)
                {
                    uint nameOffset = U32(aux + 8);
                    result.Add(new VersionNeed(fileName, String(nameOffset), U16(aux + 6), U16(aux + 4), checked((int)(aux + 4)), nameOffset));
                    uint next = U32(aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint nextNeed = U32(entry + 12);
                if (nextNeed == 0) break;
                entry += nextNeed;
            }
            return result;
        }

        public List<Symbol> SymbolsWithVersion(ushort versionIndex)
        {
            var dynsym = One(ShtDynsym);
            var versym = One(ShtGnuVersym);
            long count = dynsym.Size / 24;
            if (versym.Size / 2 != count)
                throw Refuse($".gnu.version has {versym.Size / 2} entries for {count} dynamic symbols");
            var found = new List<Symbol>();
            for (int i = 0; i < count; i++)
            {
                if ((U16(versym.Offset + 2L * i) & 0x7fff) != versionIndex) continue;
                long s = dynsym.Offset + 24L * i;
                uint nameOffset = U32(s);
                found.Add(new Symbol(i, String(nameOffset), nameOffset, U16(s + 6) == 0));
            }
            return found;
        }

        /// <summary>Every offset into .dynstr the file holds, with what holds it.</summary>
        public IEnumerable<(long Offset, string Owner)> AllStringReferences()
        {
            var dynsym = One(ShtDynsym);
            for (long i = 0; i < dynsym.Size / 24; i++)
                yield return (U32(dynsym.Offset + 24 * i), $"dynamic symbol #{i}");
            foreach (var need in ReadVersionNeeds())
                yield return (need.NameOffset, $"version need {need.Name}");
            if (Optional(ShtGnuVerneed) is { } verneed)
            {
                long entry = verneed.Offset;
                for (uint n = 0; n < verneed.Info; n++)
                {
                    yield return (U32(entry + 4), "version need file name");
                    uint next = U32(entry + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
            if (Optional(ShtGnuVerdef) is { } verdef)
            {
                long entry = verdef.Offset;
                for (uint n = 0; n < verdef.Info; n++)
                {
                    int auxCount = U16(entry + 6);
                    long aux = entry + U32(entry + 12);
                    for (int a = 0; a < auxCount; a++)
                    {
                        yield return (U32(aux), "version definition");
                        uint nextAux = U32(aux + 4);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(entry + 16);
                    if (next == 0) break;
                    entry += next;
                }
            }
            if (Optional(ShtDynamic) is { } dynamic)
            {
                for (long e = dynamic.Offset; e + 16 <= dynamic.Offset + dynamic.Size; e += 16)
                {
                    long tag = I64(e);
                    if (tag == 0) break;
                    // DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH hold string-table offsets.
                    if (tag is 1 or 14 or 15 or 29) yield return (I64(e + 8), $"dynamic entry {tag}");
                }
            }
        }

        public void WriteString(uint offset, string value, int oldLength)
        {
            var bytes = Encoding.ASCII.GetBytes(value);
            if (bytes.Length > oldLength) throw Refuse($"the new name is longer than the old one");
            long at = DynStr.Offset + offset;
            Check(at, oldLength + 1);
            Array.Copy(bytes, 0, image, at, bytes.Length);
            Array.Clear(image, (int)(at + bytes.Length), oldLength - bytes.Length + 1);
        }

        public void WriteVersym(int symbolIndex, ushort version)
        {
            long at = One(ShtGnuVersym).Offset + 2L * symbolIndex;
            Check(at, 2);
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan((int)at), version);
        }

        public void WriteNeedFlags(VersionNeed need, ushort flags)
        {
            Check(need.FlagsOffset, 2);
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(need.FlagsOffset), flags);
        }

        private string String(long offset)
        {
            var table = DynStr;
            if (offset < 0 || offset >= table.Size) throw Refuse($"a string offset {offset} lies outside .dynstr ({table.Size} bytes)");
            long start = table.Offset + offset, end = start;
            while (end < table.Offset + table.Size && image[end] != 0) end++;
            return Encoding.ASCII.GetString(image, (int)start, (int)(end - start));
        }

        private void Check(long at, int length)
        {
            if (at < 0 || at + length > image.Length)
                throw Refuse($"a read at offset {at} runs past the end of the file ({image.Length} bytes); the file may be truncated");
        }

        private ushort U16(long at) { Check(at, 2); return BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan((int)at)); }
        private uint U32(long at) { Check(at, 4); return BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((int)at)); }
        private long I64(long at) { Check(at, 8); return BinaryPrimitives.ReadInt64LittleEndian(image.AsSpan((int)at)); }
    }
}
