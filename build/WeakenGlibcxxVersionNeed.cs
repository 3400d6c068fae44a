using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one symbol-version need (e.g. GLIBCXX_3.4.32) in the .gnu.version_r
/// section of ELF64 little-endian shared objects, in place. Idempotent; files without that need
/// are left untouched.
/// </summary>
public sealed class WeakenGlibcxxVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var outcome = Patch(path, VersionName);
                Log.LogMessage(MessageImportance.Low, $"{path}: {outcome}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentOutOfRangeException)
            {
                Log.LogError($"could not patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static string Patch(string path, string versionName)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only ELF64 little-endian is supported");

        long sectionTable = (long)U64(elf, 0x28);
        int sectionSize = U16(elf, 0x3A);
        int sectionCount = U16(elf, 0x3C);
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionTable + (long)s * sectionSize;
            if (U32(elf, header + 4) != ShtGnuVerneed) continue;

            long verneed = (long)U64(elf, header + 0x18);
            uint linkedStrings = U32(elf, header + 0x28);
            long stringTable = (long)U64(elf, sectionTable + (long)linkedStrings * sectionSize + 0x18);

            for (long need = verneed; ; )
            {
                int auxCount = U16(elf, need + 2);
                long aux = need + U32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = CString(elf, stringTable + U32(elf, aux + 8));
                    if (name == versionName)
                    {
                        ushort flags = U16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0) return "already weak";
                        // Rewrite just the two flag bytes in place.
                        var patched = BitConverter.GetBytes((ushort)(flags | VerFlgWeak));
                        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
                        {
                            file.Seek(aux + 4, SeekOrigin.Begin);
                            file.Write(patched, 0, patched.Length);
                        }
                        return "version need made weak";
                    }
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return "no such version need";
    }

    private static ushort U16(byte[] b, long at) => BitConverter.ToUInt16(b, checked((int)at));
    private static uint U32(byte[] b, long at) => BitConverter.ToUInt32(b, checked((int)at));
    private static ulong U64(byte[] b, long at) => BitConverter.ToUInt64(b, checked((int)at));

    private static string CString(byte[] b, long at)
    {
        int end = checked((int)at);
        while (b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }
}
