using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.InheritedMembers;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>The property-level part of a space: which properties are tuned and how (distributions, conditions),
    /// and which bind to fine-tune options.</summary>
    internal sealed class PropertyParser
    {
        private readonly SpaceContext _context;
        private readonly DistributionParser _distributions;

        public PropertyParser(SpaceContext context)
        {
            _context = context;
            _distributions = new DistributionParser(context);
        }

        public List<TuneParameterModel> Parameters { get; } = new List<TuneParameterModel>();

        public List<long?> Cardinalities { get; } = new List<long?>();

        public List<string> Bindings { get; private set; } = new List<string>();

        /// <summary>Tuned properties, valid or not (a space whose only parameter is broken is not "empty").</summary>
        public int AttemptedParameters { get; private set; }

        /// <summary>Every property considered (the type's own and those it inherits), tuned or fixed.</summary>
        public List<PropertyEntry> Entries { get; private set; } = new List<PropertyEntry>();

        /// <summary>
        /// The type's properties and those it inherits, base types first and each type's in declaration order, so a
        /// space derived from another extends it. A property hidden or overridden by a more derived one appears once,
        /// as the most derived type declares it; private and static base properties, which the generated code cannot
        /// set, and internal ones of another assembly are left out.
        /// </summary>
        private IEnumerable<IPropertySymbol> Properties()
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var byType = new List<List<IPropertySymbol>>();
            for (var current = _context.Type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                var own = SymbolEqualityComparer.Default.Equals(current, _context.Type);
                var list = new List<IPropertySymbol>();
                foreach (var member in current.GetMembers())
                {
                    if (member is not IPropertySymbol property || property.IsImplicitlyDeclared || property.IsIndexer)
                        continue;
                    if (!own && (property.IsStatic || !VisibleFromDerived(property, _context.Type)))
                        continue;
                    if (seen.Add(property.Name))
                        list.Add(property);
                }
                byType.Add(list);
            }
            for (var i = byType.Count - 1; i >= 0; i--)
            {
                foreach (var property in byType[i])
                    yield return property;
            }
        }


        public PropertyParser Parse()
        {
            var entries = new List<PropertyEntry>();
            foreach (var property in Properties())
            {
                _context.CancellationToken.ThrowIfCancellationRequested();
                entries.Add(ParseProperty(property));
            }
            Entries = entries;

            var conditions = new ConditionParser(_context);
            for (var i = 0; i < entries.Count; i++)
                conditions.Apply(entries, i);

            foreach (var entry in entries)
            {
                if (entry.Parameter is null)
                    continue;
                Parameters.Add(entry.Parameter);
                Cardinalities.Add(entry.Cardinality);
            }
            for (var i = 0; i < Parameters.Count; i++)
            {
                var parameter = Parameters[i];
                if (parameter.ConditionParameter is { } controller)
                    Parameters[i] = parameter with { ConditionParameterIndex = Parameters.FindIndex(p => p.Name == controller) };
            }

            Bindings = new BindingParser(_context).Parse(entries);
            return this;
        }


        private PropertyEntry ParseProperty(IPropertySymbol property)
        {
            var entry = new PropertyEntry(property, Category(property.Type));
            foreach (var attribute in property.GetAttributes())
            {
                var kind = _context.Known.ClassifyParameter(attribute);
                if (kind == TuneAttributeKind.None)
                    continue;
                if (kind == TuneAttributeKind.ActiveWhen)
                {
                    entry.ActiveWhen ??= attribute;
                    continue;
                }
                if (entry.Distribution is null)
                {
                    entry.Distribution = attribute;
                    entry.DistributionKind = kind;
                    continue;
                }
                _context.Diagnostics.Add(
                    DiagnosticDescriptors.SeveralRanges,
                    _context.AttributeLocation(attribute),
                    property.Name,
                    ShortName(entry.DistributionKind),
                    ShortName(kind));
            }

            var inherited = !SymbolEqualityComparer.Default.Equals(property.ContainingType, _context.Type);
            var setterHidden = inherited && property.SetMethod is { } setter && !VisibleFromDerived(setter, _context.Type);
            var settable = !property.IsStatic && property.GetMethod is not null && property.SetMethod is not null && !setterHidden;
            if (entry.Distribution is { } distribution)
            {
                AttemptedParameters++;
                entry.Tuned = true;
                if (!settable)
                {
                    var problem = property.IsStatic ? "it is static"
                        : property.GetMethod is null ? "it has no getter"
                        : setterHidden ? "its 'set' or 'init' accessor is private to '" + property.ContainingType.Name + "'"
                        : "it has no 'set' or 'init' accessor";
                    _context.Diagnostics.Add(DiagnosticDescriptors.NotSettable, _context.PropertyLocation(property), property.Name, ShortName(entry.DistributionKind), problem);
                    return entry;
                }
                entry.Parameter = entry.DistributionKind switch
                {
                    TuneAttributeKind.Uniform => _distributions.ParseFloat(entry, distribution, log: false),
                    TuneAttributeKind.LogUniform => _distributions.ParseFloat(entry, distribution, log: true),
                    TuneAttributeKind.IntRange => _distributions.ParseInt(entry, distribution),
                    _ => _distributions.ParseChoice(entry, distribution),
                };
            }
            else if (settable && entry.Category is ValueCategory.Enum or ValueCategory.Bool)
            {
                var choices = AllValues(property.Type, entry.Category);
                if (choices.Count > 0)
                {
                    AttemptedParameters++;
                    entry.Tuned = true;
                    entry.Parameter = DistributionParser.Categorical(entry, choices);
                }
            }
            return entry;
        }
    }
}
