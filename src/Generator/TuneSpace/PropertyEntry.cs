using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{

    /// <summary>A tuned or fixed property while the space is parsed.</summary>
    internal sealed class PropertyEntry
    {
        public PropertyEntry(IPropertySymbol property, ValueCategory category)
        {
            Property = property;
            Category = category;
        }

        public IPropertySymbol Property { get; }
        public ValueCategory Category { get; }
        public AttributeData? Distribution { get; set; }
        public TuneAttributeKind DistributionKind { get; set; }
        public AttributeData? ActiveWhen { get; set; }
        public bool Tuned { get; set; }
        public TuneParameterModel? Parameter { get; set; }
        public List<ChoiceValue>? Choices { get; set; }
        public long? Cardinality { get; set; }
    }
}
