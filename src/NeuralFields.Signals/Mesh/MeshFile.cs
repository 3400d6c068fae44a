using System.Globalization;
using System.Numerics;
using System.Text;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;

namespace NeuralFields.Signals.Mesh;

/// <summary>Reads PLY (ASCII, binary little- and big-endian) and Wavefront OBJ; writes either by extension.</summary>
public static class MeshFile
{
    public const int MaxElements = 50_000_000;

    public static bool IsMeshPath(string path) => Path.GetExtension(path).ToLowerInvariant() is ".ply" or ".obj";

    public static TriangleMesh Load(string path)
    {
        if (!File.Exists(path)) throw new NeuralFieldsException($"mesh not found: {path}");
        try
        {
            var mesh = Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".ply" => Ply.Read(path),
                ".obj" => Obj.Read(path),
                var other => throw new NeuralFieldsException($"{path}: unknown mesh format '{other}' (PLY and OBJ are read)"),
            };
            MeshValidation.Require(mesh, path);
            return mesh;
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            throw new NeuralFieldsException($"cannot read mesh {path}: {e.Message}");
        }
    }

    public static void Save(string path, TriangleMesh mesh)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".ply": AtomicFile.Write(path, s => Ply.Write(s, mesh)); break;
            case ".obj": AtomicFile.Write(path, s => Obj.Write(s, mesh)); break;
            default: throw new NeuralFieldsException($"{path}: write meshes as .ply or .obj");
        }
    }

    private static class Obj
    {
        public static TriangleMesh Read(string path)
        {
            var vertices = new List<Vector3>();
            var triangles = new List<int>();
            int lineNumber = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0) continue;
                if (parts[0] == "v")
                {
                    if (parts.Length < 4) throw new FormatException($"line {lineNumber}: a vertex needs x y z");
                    vertices.Add(new Vector3(Float(parts[1]), Float(parts[2]), Float(parts[3])));
                }
                else if (parts[0] == "f")
                {
                    var face = parts.Skip(1).Select(p => Index(p, vertices.Count, lineNumber)).ToArray();
                    if (face.Length < 3) throw new FormatException($"line {lineNumber}: a face needs 3 vertices");
                    for (int k = 1; k + 1 < face.Length; k++) triangles.AddRange([face[0], face[k], face[k + 1]]);   // fan
                }
                if (vertices.Count > MaxElements || triangles.Count > 3L * MaxElements) throw new FormatException("too many elements");
            }
            return new TriangleMesh(vertices.ToArray(), triangles.ToArray());
        }

        private static int Index(string token, int vertexCount, int line)
        {
            int slash = token.IndexOf('/');
            int i = int.Parse(slash < 0 ? token : token[..slash], CultureInfo.InvariantCulture);
            int index = i > 0 ? i - 1 : vertexCount + i;    // OBJ is 1-based; negative counts back
            if (index < 0 || index >= vertexCount) throw new FormatException($"line {line}: vertex {i} does not exist");
            return index;
        }

        public static void Write(Stream stream, TriangleMesh mesh)
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            w.WriteLine("# written by NeuralFields");
            foreach (var v in mesh.Vertices) w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"v {v.X:R} {v.Y:R} {v.Z:R}"));
            for (int t = 0; t < mesh.TriangleCount; t++)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"f {mesh.Triangles[3 * t] + 1} {mesh.Triangles[3 * t + 1] + 1} {mesh.Triangles[3 * t + 2] + 1}"));
        }
    }

    private static float Float(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static class Ply
    {
        private sealed record Property(string Name, string Type, string? CountType);
        private sealed record Element(string Name, long Count, List<Property> Properties);

        public static TriangleMesh Read(string path)
        {
            using var stream = File.OpenRead(path);
            var (format, elements) = Header(stream);
            var vertices = new List<Vector3>();
            var triangles = new List<int>();
            var reader = format == "ascii" ? null : new BinaryReader(stream);
            using var text = format == "ascii" ? new AsciiTokens(stream) : null;
            bool bigEndian = format == "binary_big_endian";
            foreach (var element in elements)
            {
                for (long i = 0; i < element.Count; i++)
                {
                    float x = 0, y = 0, z = 0;
                    foreach (var p in element.Properties)
                    {
                        if (p.CountType is not null)
                        {
                            long n = (long)Value(p.CountType, reader, text, bigEndian);
                            if (n is < 0 or > 1000) throw new FormatException($"a face with {n} vertices");
                            var face = new int[n];
                            for (int k = 0; k < n; k++) face[k] = checked((int)Value(p.Type, reader, text, bigEndian));
                            if (element.Name == "face" && p.Name is "vertex_indices" or "vertex_index")
                                for (int k = 1; k + 1 < n; k++) triangles.AddRange([face[0], face[k], face[k + 1]]);
                            continue;
                        }
                        double v = Value(p.Type, reader, text, bigEndian);
                        if (element.Name == "vertex")
                        {
                            if (p.Name == "x") x = (float)v;
                            else if (p.Name == "y") y = (float)v;
                            else if (p.Name == "z") z = (float)v;
                        }
                    }
                    if (element.Name == "vertex") vertices.Add(new Vector3(x, y, z));
                }
            }
            return new TriangleMesh(vertices.ToArray(), triangles.ToArray());
        }

        private static (string Format, List<Element> Elements) Header(Stream stream)
        {
            var lines = new List<string>();
            var line = new StringBuilder();
            while (true)
            {
                int b = stream.ReadByte();
                if (b < 0) throw new FormatException("the PLY header does not end");
                if (b == '\n')
                {
                    var l = line.ToString().TrimEnd('\r');
                    line.Clear();
                    lines.Add(l);
                    if (l == "end_header") break;
                    if (lines.Count > 10000) throw new FormatException("the PLY header is too long");
                }
                else line.Append((char)b);
            }
            if (lines[0] != "ply") throw new FormatException("not a PLY file (no 'ply' magic)");
            string format = "";
            var elements = new List<Element>();
            foreach (var l in lines.Skip(1))
            {
                var parts = l.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0) continue;
                switch (parts[0])
                {
                    case "format": format = parts[1]; break;
                    case "element":
                        long count = long.Parse(parts[2], CultureInfo.InvariantCulture);
                        if (count is < 0 or > MaxElements) throw new FormatException($"element {parts[1]} claims {count} items");
                        elements.Add(new Element(parts[1], count, []));
                        break;
                    case "property" when elements.Count > 0:
                        elements[^1].Properties.Add(parts[1] == "list"
                            ? new Property(parts[4], parts[3], parts[2])
                            : new Property(parts[2], parts[1], null));
                        break;
                }
            }
            if (format is not ("ascii" or "binary_little_endian" or "binary_big_endian")) throw new FormatException($"unknown PLY format '{format}'");
            return (format, elements);
        }

        private static double Value(string type, BinaryReader? reader, AsciiTokens? text, bool bigEndian)
        {
            if (text is not null) return double.Parse(text.Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
            int size = type switch
            {
                "char" or "uchar" or "int8" or "uint8" => 1,
                "short" or "ushort" or "int16" or "uint16" => 2,
                "int" or "uint" or "int32" or "uint32" or "float" or "float32" => 4,
                "double" or "float64" => 8,
                _ => throw new FormatException($"unknown PLY type '{type}'"),
            };
            Span<byte> b = stackalloc byte[8];
            if (reader!.Read(b[..size]) != size) throw new EndOfStreamException("the PLY body is truncated");
            if (bigEndian != !BitConverter.IsLittleEndian) b[..size].Reverse();
            return type switch
            {
                "char" or "int8" => (sbyte)b[0],
                "uchar" or "uint8" => b[0],
                "short" or "int16" => BitConverter.ToInt16(b),
                "ushort" or "uint16" => BitConverter.ToUInt16(b),
                "int" or "int32" => BitConverter.ToInt32(b),
                "uint" or "uint32" => BitConverter.ToUInt32(b),
                "float" or "float32" => BitConverter.ToSingle(b),
                _ => BitConverter.ToDouble(b),
            };
        }

        public static void Write(Stream stream, TriangleMesh mesh)
        {
            var header = $"ply\nformat binary_little_endian 1.0\ncomment written by NeuralFields\nelement vertex {mesh.Vertices.Length}\n" +
                         $"property float x\nproperty float y\nproperty float z\nelement face {mesh.TriangleCount}\n" +
                         "property list uchar int vertex_indices\nend_header\n";
            stream.Write(Encoding.ASCII.GetBytes(header));
            using var w = new BinaryWriter(stream, Encoding.ASCII, leaveOpen: true);
            foreach (var v in mesh.Vertices) { w.Write(v.X); w.Write(v.Y); w.Write(v.Z); }
            for (int t = 0; t < mesh.TriangleCount; t++)
            {
                w.Write((byte)3);
                w.Write(mesh.Triangles[3 * t]); w.Write(mesh.Triangles[3 * t + 1]); w.Write(mesh.Triangles[3 * t + 2]);
            }
        }

        /// <summary>Whitespace-separated tokens of an ASCII PLY body.</summary>
        private sealed class AsciiTokens(Stream stream) : IDisposable
        {
            private readonly StreamReader _reader = new(stream, Encoding.ASCII, leaveOpen: true);

            public void Dispose() => _reader.Dispose();
            private string[] _tokens = [];
            private int _next;

            public string Next()
            {
                while (_next >= _tokens.Length)
                {
                    var line = _reader.ReadLine() ?? throw new EndOfStreamException("the PLY body is truncated");
                    _tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    _next = 0;
                }
                return _tokens[_next++];
            }
        }
    }
}
