using System;

namespace Attune.Transformers;

/// <summary>
/// A BERT configuration (usually a Hugging Face <c>config.json</c>) that Attune cannot build a model from: an unknown
/// or ill-typed field, an unsupported setting, or sizes that do not fit together.
/// </summary>
public sealed class BertConfigException : Exception
{
    public BertConfigException(string message, string? source = null, string? field = null, Exception? inner = null)
        : base(message, inner)
    {
        ConfigSource = source;
        Field = field;
    }

    /// <summary>Where the configuration came from (a file path), when known.</summary>
    public string? ConfigSource { get; }

    /// <summary>The offending field, when one field is to blame.</summary>
    public string? Field { get; }
}
