namespace NeuralFields.Core.Training;

/// <summary>Bit error rate per plane of the weights after <see cref="Step"/> steps; Rates[i] is bit i (0 = LSB).</summary>
public sealed record BitErrorPoint(int Step, double[] Rates, double Seconds)
{
    /// <summary>Every bit of every sample right: the decoded signal equals the source.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Exact => Rates.All(r => r == 0);
}
