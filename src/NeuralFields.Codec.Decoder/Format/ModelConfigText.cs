using System.Text.Json.Nodes;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;

namespace NeuralFields.Codec.Decoder;

/// <summary>
/// The model config as a file stores it: compact JSON of encoding, network and head only (training
/// settings and the description do not change what the file decodes to, and cost bytes).
/// </summary>
public static class ModelConfigText
{
    public static string Write(FieldConfig config)
    {
        var node = JsonNode.Parse(ConfigJson.Serialize(config))!.AsObject();
        node.Remove("description");
        node.Remove("training");
        return node.ToJsonString();
    }

    public static FieldConfig Read(string json) => ConfigJson.Parse(json, "model config");
}
