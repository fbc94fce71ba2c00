using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.TuneSpace
{
    /// <summary>Turns one <c>[TuneSpace]</c> record or class into an equatable <see cref="TuneSpaceModel"/> and its
    /// diagnostics.</summary>
    /// <remarks>
    /// A property with a broken parameter attribute is reported and left out of the space (it stays a fixed
    /// property), so the rest of the space is still generated and the user's calls to <c>RunSweep</c> keep compiling
    /// while they fix it. Only a type the generated code cannot extend (not partial, not a creatable class) gets no code.
    /// </remarks>
    internal static class TuneSpaceParser
    {
        public const string TuneSpaceAttributeName = "Attune.TuneSpaceAttribute";

        private static readonly SymbolDisplayFormat NameFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)
                .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        private static readonly SymbolDisplayFormat ShortTypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

        /// <summary>Test seam, as <see cref="FineTuneParser.FaultInjection"/>. Always null outside tests.</summary>
        internal static Action<INamedTypeSymbol>? FaultInjection;

        /// <summary>Never throws (except on cancellation): an unexpected exception becomes AT0099.</summary>
        public static TuneSpaceParseResult Parse(GeneratorAttributeSyntaxContext context, KnownTypes known, CancellationToken cancellationToken)
            => InternalErrors.Guard(context, cancellationToken, (c, ct) => ParseCore(c, known, ct), errors => new TuneSpaceParseResult(null, errors));

        private static TuneSpaceParseResult ParseCore(GeneratorAttributeSyntaxContext context, KnownTypes known, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration || context.Attributes.Length == 0)
                return new TuneSpaceParseResult(null, EquatableArray<DiagnosticInfo>.Empty);

            FaultInjection?.Invoke(type);
            var attribute = context.Attributes[0];
            var compilation = context.SemanticModel.Compilation;
            if (!DeclarationChecks.IsPrimaryDeclaration(type, attribute, declaration, compilation, cancellationToken))
                return new TuneSpaceParseResult(null, EquatableArray<DiagnosticInfo>.Empty); // repeated attribute: CS0579

            var diagnostics = new DiagnosticBag();
            var identifier = LocationInfo.From(declaration.Identifier);
            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var spaceName = type.ToDisplayString(NameFormat);

            var canEmit = DeclarationChecks.IsPartial(type, DiagnosticDescriptors.SpaceNotPartial, identifier, diagnostics);
            canEmit &= CheckShape(type, identifier, diagnostics);

            var options = SweepOptionsParser.Parse(attribute, attributeSyntax, type.Name, spaceName, diagnostics);
            var properties = new PropertyParser(type, known, diagnostics, cancellationToken).Parse();

            canEmit &= CheckRequired(type, properties, identifier, diagnostics);

            if (properties.Parameters.Count == 0 && properties.AttemptedParameters == 0)
                diagnostics.Add(DiagnosticDescriptors.NoTunedParameter, identifier, type.Name);

            if (options.Sampler == "Grid")
            {
                var continuous = properties.Parameters.Where(p => p.Kind == TuneParameterKind.Float).Select(p => "'" + p.Name + "'").ToList();
                if (continuous.Count > 0)
                {
                    diagnostics.Add(
                        DiagnosticDescriptors.GridNeedsFiniteSpace,
                        options.Arguments.ArgumentLocation("Sampler"),
                        type.Name,
                        string.Join(", ", continuous));
                }
            }

            TuneSpaceModel? model = null;
            if (canEmit)
            {
                var hierarchy = HierarchyParser.Parse(type);
                var self = hierarchy.Types[hierarchy.Types.Count - 1];
                model = new TuneSpaceModel(
                    hierarchy,
                    HierarchyParser.HintName(type, ".TuneSpace.g.cs"),
                    self.Name + self.TypeParameters,
                    spaceName,
                    type.Name,
                    properties.Parameters.ToEquatableArray(),
                    options.Assignments.ToEquatableArray(),
                    properties.Bindings.ToEquatableArray(),
                    GridSize(properties.Cardinalities),
                    HiddenMembers(type, known, cancellationToken).ToEquatableArray());
            }

            return new TuneSpaceParseResult(model, diagnostics.ToEquatableArray());
        }

        /// <summary>AT0102 unless Decode can write <c>new T { ... }</c>: a non-abstract, non-static class or record
        /// with a parameterless constructor.</summary>
        private static bool CheckShape(INamedTypeSymbol type, LocationInfo? identifier, DiagnosticBag diagnostics)
        {
            string? problem = null;
            if (type.TypeKind == TypeKind.Struct)
                problem = type.IsRecord ? "it is a record struct" : "it is a struct";
            else if (type.TypeKind != TypeKind.Class)
                problem = "it is " + (type.TypeKind == TypeKind.Interface ? "an interface" : "not a class");
            else if (type.IsStatic)
                problem = "it is static";
            else if (type.IsAbstract)
                problem = "it is abstract";
            else if (!type.InstanceConstructors.Any(c => c.Parameters.Length == 0))
                problem = "it has no parameterless constructor" + (type.IsRecord ? " (a positional record has none: declare the parameters as properties)" : "");

            if (problem is null)
                return true;
            diagnostics.Add(DiagnosticDescriptors.SpaceNotAClass, identifier, type.Name, problem);
            return false;
        }

        /// <summary>
        /// AT0118 for each <c>required</c> property or field (the type's or inherited) that Decode cannot set: one that is
        /// not tuned (<c>new T { ... }</c> has no value for it), or any, when the space has a conditional parameter (Decode
        /// reads inactive parameters' defaults from <c>new T()</c>).
        /// </summary>
        private static bool CheckRequired(INamedTypeSymbol type, PropertyParser properties, LocationInfo? identifier, DiagnosticBag diagnostics)
        {
            var tuned = new HashSet<string>(properties.Entries.Where(e => e.Parameter is not null).Select(e => e.Property.Name), StringComparer.Ordinal);
            var conditional = properties.Parameters.Any(p => p.ConditionParameter is not null);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var ok = true;
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    var required = member is IPropertySymbol { IsRequired: true } || member is IFieldSymbol { IsRequired: true };
                    if (!required || !seen.Add(member.Name))
                        continue;
                    var problem = !tuned.Contains(member.Name)
                        ? "it is not tuned, so Decode's 'new " + type.Name + " { ... }' has no value for it"
                        : conditional
                            ? "Decode reads the defaults of inactive conditional parameters from 'new " + type.Name + "()', which cannot set it"
                            : null;
                    if (problem is null)
                        continue;
                    var location = SymbolEqualityComparer.Default.Equals(member.ContainingType, type)
                        ? LocationInfo.From(member.Locations.FirstOrDefault())
                        : identifier;
                    diagnostics.Add(DiagnosticDescriptors.RequiredNotSettable, location, member.Name, type.Name, problem);
                    ok = false;
                }
            }
            return ok;
        }

        /// <summary>
        /// The generated members a base type already has, which the generated ones hide with <c>new</c>: everything a base
        /// <c>[TuneSpace]</c> gets generated (its generated code is not in the compilation the generator sees, so it is
        /// worked out here: <c>ApplyTo</c> only where that base binds fine-tune options), and members of the same names
        /// declared by hand on a base type.
        /// </summary>
        private static List<string> HiddenMembers(INamedTypeSymbol type, KnownTypes known, CancellationToken cancellationToken)
        {
            var hidden = new HashSet<string>(StringComparer.Ordinal);
            var names = new[] { "Space", "DefaultSweepOptions", "IsFinite", "Decode", "Encode", "ApplyTo" };
            for (var current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                if (known.TuneSpaceAttribute is { } tuneSpace && current.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, tuneSpace)))
                {
                    hidden.UnionWith(names.Take(5));
                    if (new PropertyParser(current, known, new DiagnosticBag(), cancellationToken).Parse().Bindings.Count > 0)
                        hidden.Add("ApplyTo");
                }
                foreach (var name in names)
                {
                    if (current.GetMembers(name).Any(m => VisibleFromDerived(m, type)))
                        hidden.Add(name);
                }
            }
            return names.Where(hidden.Contains).ToList();
        }

        /// <summary>Whether code generated inside <paramref name="derived"/> may use <paramref name="member"/>, declared on
        /// one of its base types.</summary>
        private static bool VisibleFromDerived(ISymbol member, INamedTypeSymbol derived)
            => member.DeclaredAccessibility switch
            {
                Accessibility.Private or Accessibility.NotApplicable => false,
                Accessibility.Internal or Accessibility.ProtectedAndInternal => SymbolEqualityComparer.Default.Equals(member.ContainingAssembly, derived.ContainingAssembly)
                    || member.ContainingAssembly.GivesAccessTo(derived.ContainingAssembly),
                _ => true,
            };

        private static long? GridSize(List<long?> cardinalities)
        {
            long size = 1;
            foreach (var cardinality in cardinalities)
            {
                if (cardinality is not { } count)
                    return null;
                size = count != 0 && size > long.MaxValue / count ? long.MaxValue : size * count;
            }
            return size;
        }

        /// <summary>The property-level part: distributions, conditions and fine-tune bindings.</summary>
        private sealed class PropertyParser
        {
            private readonly INamedTypeSymbol _type;
            private readonly KnownTypes _known;
            private readonly DiagnosticBag _diagnostics;
            private readonly CancellationToken _cancellationToken;

            public PropertyParser(INamedTypeSymbol type, KnownTypes known, DiagnosticBag diagnostics, CancellationToken cancellationToken)
            {
                _type = type;
                _known = known;
                _diagnostics = diagnostics;
                _cancellationToken = cancellationToken;
            }

            public List<TuneParameterModel> Parameters { get; } = new List<TuneParameterModel>();

            public List<long?> Cardinalities { get; } = new List<long?>();

            public List<string> Bindings { get; } = new List<string>();

            /// <summary>Tuned properties, valid or not (a space whose only parameter is broken is not "empty").</summary>
            public int AttemptedParameters { get; private set; }

            /// <summary>Every property considered (the type's own and those it inherits), tuned or fixed.</summary>
            public List<Entry> Entries { get; private set; } = new List<Entry>();

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
                for (var current = _type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
                {
                    var own = SymbolEqualityComparer.Default.Equals(current, _type);
                    var list = new List<IPropertySymbol>();
                    foreach (var member in current.GetMembers())
                    {
                        if (member is not IPropertySymbol property || property.IsImplicitlyDeclared || property.IsIndexer)
                            continue;
                        if (!own && (property.IsStatic || !VisibleFromDerived(property, _type)))
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
                var entries = new List<Entry>();
                foreach (var property in Properties())
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    entries.Add(ParseProperty(property));
                }
                Entries = entries;

                for (var i = 0; i < entries.Count; i++)
                    ApplyCondition(entries, i);

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

                ParseBindings(entries);
                return this;
            }

            private Entry ParseProperty(IPropertySymbol property)
            {
                var entry = new Entry(property, Category(property.Type));
                foreach (var attribute in property.GetAttributes())
                {
                    var kind = _known.ClassifyParameter(attribute);
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
                    _diagnostics.Add(
                        DiagnosticDescriptors.SeveralRanges,
                        AttributeLocation(attribute),
                        property.Name,
                        ShortName(entry.DistributionKind),
                        ShortName(kind));
                }

                var inherited = !SymbolEqualityComparer.Default.Equals(property.ContainingType, _type);
                var setterHidden = inherited && property.SetMethod is { } setter && !VisibleFromDerived(setter, _type);
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
                        _diagnostics.Add(DiagnosticDescriptors.NotSettable, PropertyLocation(property), property.Name, ShortName(entry.DistributionKind), problem);
                        return entry;
                    }
                    entry.Parameter = entry.DistributionKind switch
                    {
                        TuneAttributeKind.Uniform => ParseFloat(entry, distribution, log: false),
                        TuneAttributeKind.LogUniform => ParseFloat(entry, distribution, log: true),
                        TuneAttributeKind.IntRange => ParseInt(entry, distribution),
                        _ => ParseChoice(entry, distribution),
                    };
                }
                else if (settable && entry.Category is ValueCategory.Enum or ValueCategory.Bool)
                {
                    var choices = AllValues(property.Type, entry.Category);
                    if (choices.Count > 0)
                    {
                        AttemptedParameters++;
                        entry.Tuned = true;
                        entry.Parameter = Categorical(entry, choices);
                    }
                }
                return entry;
            }

            private TuneParameterModel? ParseFloat(Entry entry, AttributeData attribute, bool log)
            {
                var name = log ? "LogUniform" : "Uniform";
                if (!TryConstructorNumbers(attribute, out var low, out var high))
                    return null;
                if (entry.Category is not (ValueCategory.Double or ValueCategory.Single))
                {
                    _diagnostics.Add(
                        DiagnosticDescriptors.TypeMismatch,
                        AttributeLocation(attribute),
                        name,
                        entry.Property.Name,
                        "draws floating-point values",
                        TypeDisplay(entry.Property.Type),
                        entry.Category is ValueCategory.Int32 or ValueCategory.Int64
                            ? "Use [IntRange] for an integer property, or make the property double"
                            : "Make the property double or float");
                    return null;
                }
                if (!IsFinite(low) || !IsFinite(high) || low >= high)
                {
                    _diagnostics.Add(DiagnosticDescriptors.EmptyRange, AttributeLocation(attribute), name, Number(low), Number(high), entry.Property.Name);
                    return null;
                }
                if (log && low <= 0)
                {
                    _diagnostics.Add(DiagnosticDescriptors.LogRangeNotPositive, AttributeLocation(attribute), name, entry.Property.Name, Number(low), "a low end greater than 0", "[Uniform]");
                    return null;
                }

                entry.Cardinality = null;
                return new TuneParameterModel(
                    entry.Property.Name,
                    Literals.Identifier(entry.Property.Name),
                    TypeName(entry.Property.Type),
                    TuneParameterKind.Float,
                    entry.Category == ValueCategory.Single ? TuneValueShape.Single : TuneValueShape.Double,
                    Literals.Double(low),
                    Literals.Double(high),
                    log,
                    "0",
                    EquatableArray<string>.Empty,
                    EquatableArray<string>.Empty,
                    null,
                    -1,
                    EquatableArray<int>.Empty);
            }

            private TuneParameterModel? ParseInt(Entry entry, AttributeData attribute)
            {
                if (attribute.ConstructorArguments.Length != 2
                    || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is null)
                    || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error))
                    return null;
                var low = Convert.ToInt64(attribute.ConstructorArguments[0].Value, CultureInfo.InvariantCulture);
                var high = Convert.ToInt64(attribute.ConstructorArguments[1].Value, CultureInfo.InvariantCulture);
                long step = 1;
                var log = false;
                foreach (var pair in attribute.NamedArguments)
                {
                    if (pair.Key == "Step" && pair.Value.Value is not null)
                        step = Convert.ToInt64(pair.Value.Value, CultureInfo.InvariantCulture);
                    else if (pair.Key == "Log" && pair.Value.Value is bool flag)
                        log = flag;
                }
                var name = entry.Property.Name;
                var location = AttributeLocation(attribute);

                if (entry.Category is not (ValueCategory.Int32 or ValueCategory.Int64))
                {
                    _diagnostics.Add(
                        DiagnosticDescriptors.TypeMismatch,
                        location,
                        "IntRange",
                        name,
                        "draws integers",
                        TypeDisplay(entry.Property.Type),
                        entry.Category is ValueCategory.Double or ValueCategory.Single
                            ? "Use [Uniform] or [LogUniform] for a floating-point property, or make the property int"
                            : "Make the property int or long");
                    return null;
                }
                if (low >= high)
                {
                    _diagnostics.Add(DiagnosticDescriptors.EmptyRange, location, "IntRange", Literals.Integer(low), Literals.Integer(high), name);
                    return null;
                }
                if (entry.Category == ValueCategory.Int32 && (low < int.MinValue || high > int.MaxValue))
                {
                    _diagnostics.Add(
                        DiagnosticDescriptors.TypeMismatch,
                        location,
                        "IntRange",
                        name,
                        "reaches from " + Literals.Integer(low) + " to " + Literals.Integer(high),
                        "'int', which holds -2147483648 to 2147483647",
                        "Narrow the range, or make the property long");
                    return null;
                }
                if (log && low < 1)
                {
                    _diagnostics.Add(DiagnosticDescriptors.LogRangeNotPositive, location, "IntRange", name, Literals.Integer(low), "at least 1", "remove Log = true");
                    return null;
                }

                var stepLocation = NamedArgumentLocation(attribute, "Step") ?? location;
                var stepText = Literals.Integer(step);
                if (step <= 0)
                {
                    _diagnostics.Add(DiagnosticDescriptors.InvalidStep, stepLocation, Literals.Integer(low), Literals.Integer(high), name, stepText, "a step must be at least 1", "Set Step to a positive number, or remove it for 1");
                    return null;
                }
                if (log && step != 1)
                {
                    _diagnostics.Add(DiagnosticDescriptors.InvalidStep, stepLocation, Literals.Integer(low), Literals.Integer(high), name, stepText, "a log-scale range has no step", "Remove Step, or remove Log = true");
                    return null;
                }
                var width = (decimal)high - low;
                if (width % step != 0)
                {
                    var fitted = low + (long)(decimal.Floor(width / step) * step);
                    _diagnostics.Add(
                        DiagnosticDescriptors.InvalidStep,
                        stepLocation,
                        Literals.Integer(low),
                        Literals.Integer(high),
                        name,
                        stepText,
                        "the width " + width.ToString(CultureInfo.InvariantCulture) + " (High - Low) is not a multiple of " + stepText + ", so High would never be drawn",
                        "Set High to " + Literals.Integer(fitted) + " or " + Literals.Integer(fitted + step) + ", or choose a Step that divides " + width.ToString(CultureInfo.InvariantCulture));
                    return null;
                }

                var count = decimal.Floor(width / step) + 1;
                entry.Cardinality = count > long.MaxValue ? long.MaxValue : (long)count;
                return new TuneParameterModel(
                    name,
                    Literals.Identifier(name),
                    TypeName(entry.Property.Type),
                    TuneParameterKind.Int,
                    entry.Category == ValueCategory.Int32 ? TuneValueShape.Int32 : TuneValueShape.Int64,
                    Literals.Integer(low),
                    Literals.Integer(high),
                    log,
                    stepText,
                    EquatableArray<string>.Empty,
                    EquatableArray<string>.Empty,
                    null,
                    -1,
                    EquatableArray<int>.Empty);
            }

            private TuneParameterModel? ParseChoice(Entry entry, AttributeData attribute)
            {
                var property = entry.Property;
                if (entry.Category == ValueCategory.Unsupported)
                {
                    _diagnostics.Add(DiagnosticDescriptors.UnsupportedParameterType, PropertyTypeLocation(property), property.Name, "Choice", TypeDisplay(property.Type).Trim('\''));
                    return null;
                }
                if (!TryParamsValues(attribute, 0, out var values))
                    return null;
                var location = AttributeLocation(attribute);
                if (values.Count == 0)
                {
                    _diagnostics.Add(DiagnosticDescriptors.InvalidChoices, location, property.Name, "lists no values", "List the values to choose from, e.g. [Choice(16, 32, 64)]");
                    return null;
                }

                var choices = new List<ChoiceValue>();
                var ok = true;
                for (var i = 0; i < values.Count; i++)
                {
                    var converted = ConvertValue(values[i], property.Type, entry.Category);
                    if (converted is null)
                    {
                        var expected = TypeDisplay(property.Type);
                        _diagnostics.Add(
                            DiagnosticDescriptors.TypeMismatch,
                            ParamsArgumentLocation(attribute, 0, i, values.Count) ?? location,
                            "Choice",
                            property.Name,
                            "lists " + Display(values[i]),
                            expected,
                            "List values of type " + expected.Trim('\''));
                        ok = false;
                        continue;
                    }
                    choices.Add(converted);
                }
                if (!ok)
                    return null;

                var firstType = values[0].Type;
                for (var i = 1; i < values.Count; i++)
                {
                    if (!SymbolEqualityComparer.Default.Equals(values[i].Type, firstType))
                    {
                        _diagnostics.Add(
                            DiagnosticDescriptors.InvalidChoices,
                            ParamsArgumentLocation(attribute, 0, i, values.Count) ?? location,
                            property.Name,
                            "mixes values of type " + ValueTypeName(values[0]) + " and " + ValueTypeName(values[i]),
                            "List values of one type (write 1.0, not 1, among doubles)");
                        return null;
                    }
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < choices.Count; i++)
                {
                    if (!seen.Add(choices[i].Text))
                    {
                        _diagnostics.Add(
                            DiagnosticDescriptors.InvalidChoices,
                            ParamsArgumentLocation(attribute, 0, i, values.Count) ?? location,
                            property.Name,
                            "lists " + Display(values[i]) + " twice",
                            "Remove the repeated value");
                        return null;
                    }
                }
                return Categorical(entry, choices);
            }

            private static TuneParameterModel Categorical(Entry entry, List<ChoiceValue> choices)
            {
                entry.Choices = choices;
                entry.Cardinality = choices.Count;
                return new TuneParameterModel(
                    entry.Property.Name,
                    Literals.Identifier(entry.Property.Name),
                    TypeName(entry.Property.Type),
                    TuneParameterKind.Categorical,
                    TuneValueShape.Choice,
                    "0",
                    "0",
                    false,
                    "0",
                    choices.Select(c => c.Text).ToEquatableArray(),
                    choices.Select(c => c.Literal).ToEquatableArray(),
                    null,
                    -1,
                    EquatableArray<int>.Empty);
            }

            private void ApplyCondition(List<Entry> entries, int index)
            {
                var entry = entries[index];
                if (entry.ActiveWhen is not { } attribute)
                    return;
                var property = entry.Property;
                var location = AttributeLocation(attribute);
                if (!entry.Tuned)
                {
                    _diagnostics.Add(DiagnosticDescriptors.ConditionOnFixedProperty, location, property.Name);
                    return;
                }
                if (entry.Parameter is null)
                    return; // already reported
                if (attribute.ConstructorArguments.Length != 2
                    || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error
                    || attribute.ConstructorArguments[0].Value is not string controllerName
                    || !TryParamsValues(attribute, 1, out var values))
                    return;

                var nameLocation = PositionalArgumentLocation(attribute, 0) ?? location;
                var controllerIndex = entries.FindIndex(e => e.Property.Name == controllerName);
                string? problem = null;
                if (controllerIndex < 0)
                    problem = "is not a property of '" + _type.Name + "'";
                else if (controllerIndex == index)
                    problem = "is the property itself";
                else if (!entries[controllerIndex].Tuned)
                    problem = "is a fixed property, not a tuned parameter";
                else if (entries[controllerIndex].Parameter is null)
                    return; // the controller's own error is reported
                else if (entries[controllerIndex].Parameter!.Kind != TuneParameterKind.Categorical)
                    problem = "is " + (entries[controllerIndex].Parameter!.Kind == TuneParameterKind.Int ? "an integer range" : "a floating-point range") + ", not categorical";
                else if (controllerIndex > index)
                    problem = "is declared after it";
                if (problem is not null)
                {
                    _diagnostics.Add(DiagnosticDescriptors.InvalidCondition, nameLocation, property.Name, controllerName, problem);
                    return;
                }

                var controller = entries[controllerIndex];
                var choices = controller.Choices!;
                var allowed = "one of " + string.Join(", ", choices.Select(c => c.Display));
                if (values.Count == 0)
                {
                    _diagnostics.Add(DiagnosticDescriptors.InvalidConditionValue, location, property.Name, "lists no values of '" + controllerName + "'", controllerName, allowed);
                    return;
                }

                var indexes = new List<int>();
                var ok = true;
                for (var i = 0; i < values.Count; i++)
                {
                    var converted = ConvertValue(values[i], controller.Property.Type, controller.Category);
                    var choice = converted is null ? -1 : choices.FindIndex(c => c.Text == converted.Text);
                    if (choice < 0)
                    {
                        _diagnostics.Add(
                            DiagnosticDescriptors.InvalidConditionValue,
                            ParamsArgumentLocation(attribute, 1, i, values.Count) ?? location,
                            property.Name,
                            "lists " + Display(values[i]),
                            controllerName,
                            allowed);
                        ok = false;
                        continue;
                    }
                    if (!indexes.Contains(choice))
                        indexes.Add(choice);
                }
                if (!ok)
                    return;
                indexes.Sort();
                entry.Parameter = entry.Parameter with { ConditionParameter = controllerName, ConditionIndexes = indexes.ToEquatableArray() };
            }

            private void ParseBindings(List<Entry> entries)
            {
                if (_known.FineTuneOptions is not { } options)
                    return;
                foreach (var entry in entries)
                {
                    var property = entry.Property;
                    if (property.IsStatic || property.GetMethod is null)
                        continue;
                    var option = options.GetMembers(property.Name).OfType<IPropertySymbol>()
                        .FirstOrDefault(p => !p.IsStatic && p.DeclaredAccessibility == Accessibility.Public && p.SetMethod is { DeclaredAccessibility: Accessibility.Public });
                    if (option is null)
                        continue;
                    // A nullable option (LoraRank: int?, null meaning "as declared") takes a property of its underlying type.
                    var underlying = option.Type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : null;
                    var sameType = (SymbolEqualityComparer.Default.Equals(property.Type, option.Type)
                            || (underlying is not null && SymbolEqualityComparer.Default.Equals(property.Type, underlying)))
                        && !(option.Type.IsReferenceType && option.NullableAnnotation == NullableAnnotation.NotAnnotated && property.NullableAnnotation == NullableAnnotation.Annotated);
                    if (!sameType)
                    {
                        if (property.Type.TypeKind != TypeKind.Error)
                        {
                            _diagnostics.Add(
                                DiagnosticDescriptors.BindingTypeMismatch,
                                PropertyLocation(property),
                                property.Name,
                                _type.Name,
                                property.Type.ToDisplayString(ShortTypeFormat),
                                option.Type.ToDisplayString(ShortTypeFormat));
                        }
                        continue;
                    }
                    Bindings.Add(Literals.Identifier(property.Name));
                }
            }

            private LocationInfo? AttributeLocation(AttributeData attribute)
                => LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken));

            private LocationInfo? PositionalArgumentLocation(AttributeData attribute, int index)
            {
                if (attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
                    return null;
                var positional = list.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
                return index < positional.Count ? LocationInfo.From(positional[index]) : null;
            }

            /// <summary>The argument that holds value <paramref name="index"/> of a params array starting at
            /// <paramref name="first"/>, when the values are written one by one.</summary>
            private LocationInfo? ParamsArgumentLocation(AttributeData attribute, int first, int index, int count)
            {
                if (attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
                    return null;
                var positional = list.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
                return positional.Count == first + count ? LocationInfo.From(positional[first + index]) : null;
            }

            private LocationInfo? NamedArgumentLocation(AttributeData attribute, string name)
            {
                if (attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
                    return null;
                var argument = list.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
                return argument is null ? null : LocationInfo.From(argument);
            }

            private LocationInfo? PropertyLocation(IPropertySymbol property)
            {
                var syntax = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken);
                return syntax switch
                {
                    PropertyDeclarationSyntax declaration => LocationInfo.From(declaration.Identifier),
                    ParameterSyntax parameter => LocationInfo.From(parameter.Identifier),
                    _ => LocationInfo.From(syntax) ?? LocationInfo.From(property.Locations.FirstOrDefault()),
                };
            }

            private LocationInfo? PropertyTypeLocation(IPropertySymbol property)
            {
                var syntax = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken);
                return syntax is PropertyDeclarationSyntax declaration ? LocationInfo.From(declaration.Type) : PropertyLocation(property);
            }
        }

        /// <summary>A tuned or fixed property while the space is parsed.</summary>
        private sealed class Entry
        {
            public Entry(IPropertySymbol property, ValueCategory category)
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

        /// <summary>A categorical choice: invariant text (the space's), C# literal of the property type, and how
        /// messages show it.</summary>
        private sealed class ChoiceValue
        {
            public ChoiceValue(string text, string literal, string display)
            {
                Text = text;
                Literal = literal;
                Display = display;
            }

            public string Text { get; }
            public string Literal { get; }
            public string Display { get; }
        }

        private enum ValueCategory
        {
            Unsupported,
            Enum,
            Bool,
            String,
            Int32,
            Int64,
            Single,
            Double,
        }

        private static ValueCategory Category(ITypeSymbol type)
        {
            if (type.TypeKind == TypeKind.Enum)
                return ValueCategory.Enum;
            return type.SpecialType switch
            {
                SpecialType.System_Boolean => ValueCategory.Bool,
                SpecialType.System_String => ValueCategory.String,
                SpecialType.System_Int32 => ValueCategory.Int32,
                SpecialType.System_Int64 => ValueCategory.Int64,
                SpecialType.System_Single => ValueCategory.Single,
                SpecialType.System_Double => ValueCategory.Double,
                _ => ValueCategory.Unsupported,
            };
        }

        /// <summary>Every value of an enum (members in declaration order, aliases of an earlier value skipped) or bool.</summary>
        private static List<ChoiceValue> AllValues(ITypeSymbol type, ValueCategory category)
        {
            var choices = new List<ChoiceValue>();
            if (category == ValueCategory.Bool)
            {
                choices.Add(new ChoiceValue("false", "false", "false"));
                choices.Add(new ChoiceValue("true", "true", "true"));
                return choices;
            }
            var seen = new HashSet<object>();
            foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
            {
                if (!field.HasConstantValue || field.ConstantValue is null || !seen.Add(field.ConstantValue))
                    continue;
                choices.Add(new ChoiceValue(field.Name, TypeName(type) + "." + Literals.Identifier(field.Name), type.Name + "." + field.Name));
            }
            return choices;
        }

        /// <summary>A value from an attribute as a value of the property's type, or null when it is not one.</summary>
        private static ChoiceValue? ConvertValue(TypedConstant value, ITypeSymbol propertyType, ValueCategory category)
        {
            var raw = value.Value;
            switch (category)
            {
                case ValueCategory.Enum:
                    if (value.Kind != TypedConstantKind.Enum || !SymbolEqualityComparer.Default.Equals(value.Type, propertyType) || raw is null)
                        return null;
                    var number = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                    foreach (var field in propertyType.GetMembers().OfType<IFieldSymbol>())
                    {
                        if (field.HasConstantValue && field.ConstantValue is not null && Convert.ToInt64(field.ConstantValue, CultureInfo.InvariantCulture) == number)
                            return new ChoiceValue(field.Name, TypeName(propertyType) + "." + Literals.Identifier(field.Name), propertyType.Name + "." + field.Name);
                    }
                    return null; // not a defined member
                case ValueCategory.Bool:
                    return raw is bool flag ? new ChoiceValue(Literals.Boolean(flag), Literals.Boolean(flag), Literals.Boolean(flag)) : null;
                case ValueCategory.String:
                    return raw is string text && value.Kind == TypedConstantKind.Primitive ? new ChoiceValue(text, Literals.String(text), Literals.String(text)) : null;
                case ValueCategory.Int32:
                case ValueCategory.Int64:
                    if (value.Kind != TypedConstantKind.Primitive || !IsIntegral(raw))
                        return null;
                    decimal integer = Convert.ToDecimal(raw, CultureInfo.InvariantCulture);
                    var (min, max) = category == ValueCategory.Int32 ? ((decimal)int.MinValue, (decimal)int.MaxValue) : ((decimal)long.MinValue, (decimal)long.MaxValue);
                    if (integer < min || integer > max)
                        return null;
                    var integerText = Literals.Integer((long)integer);
                    return new ChoiceValue(integerText, integerText, integerText);
                case ValueCategory.Single:
                case ValueCategory.Double:
                    if (value.Kind != TypedConstantKind.Primitive || !(IsIntegral(raw) || raw is double || raw is float))
                        return null;
                    var real = raw is float single ? (double)single : Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                    if (category == ValueCategory.Single)
                        real = (float)real;
                    var realText = real.ToString("R", CultureInfo.InvariantCulture);
                    var literal = category == ValueCategory.Single
                        ? (IsFinite(real) ? realText + "f" : "(float)" + Literals.Double(real))
                        : Literals.Double(real);
                    return new ChoiceValue(realText, literal, realText);
                default:
                    return null;
            }
        }

        private static bool IsIntegral(object? value)
            => value is int or long or short or sbyte or byte or ushort or uint or ulong;

        private static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

        private static bool TryConstructorNumbers(AttributeData attribute, out double low, out double high)
        {
            low = high = 0;
            if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is null))
                return false;
            low = Convert.ToDouble(attribute.ConstructorArguments[0].Value, CultureInfo.InvariantCulture);
            high = Convert.ToDouble(attribute.ConstructorArguments[1].Value, CultureInfo.InvariantCulture);
            return true;
        }

        /// <summary>The values of the params array at constructor position <paramref name="position"/>; false when
        /// any has a compile error (the compiler reports it).</summary>
        private static bool TryParamsValues(AttributeData attribute, int position, out List<TypedConstant> values)
        {
            values = new List<TypedConstant>();
            if (attribute.ConstructorArguments.Length <= position)
                return false;
            var array = attribute.ConstructorArguments[position];
            if (array.Kind == TypedConstantKind.Error)
                return false;
            if (array.Kind != TypedConstantKind.Array || array.IsNull)
                return true;
            foreach (var value in array.Values)
            {
                if (value.Kind == TypedConstantKind.Error)
                    return false;
                values.Add(value);
            }
            return true;
        }

        private static string Display(TypedConstant value)
        {
            if (value.IsNull)
                return "null";
            if (value.Kind == TypedConstantKind.Enum && value.Type is { } enumType)
            {
                var number = Convert.ToInt64(value.Value, CultureInfo.InvariantCulture);
                var member = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && f.ConstantValue is not null && Convert.ToInt64(f.ConstantValue, CultureInfo.InvariantCulture) == number);
                return member is null ? "(" + enumType.Name + ")" + Literals.Integer(number) : enumType.Name + "." + member.Name;
            }
            return value.Value switch
            {
                string text => Literals.String(text),
                bool flag => Literals.Boolean(flag),
                double real => real.ToString("R", CultureInfo.InvariantCulture),
                float single => single.ToString("R", CultureInfo.InvariantCulture) + "f",
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                var other => other?.ToString() ?? "null",
            } + " (" + ValueTypeName(value) + ")";
        }

        private static string ValueTypeName(TypedConstant value)
            => value.Type?.ToDisplayString(ShortTypeFormat) ?? "null";

        private static string TypeDisplay(ITypeSymbol type) => "'" + type.ToDisplayString(ShortTypeFormat) + "'";

        private static string TypeName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        private static string Number(double value) => Literals.Double(value).Replace("global::System.Double.", "double.");

        private static string ShortName(TuneAttributeKind kind) => kind switch
        {
            TuneAttributeKind.Uniform => "Uniform",
            TuneAttributeKind.LogUniform => "LogUniform",
            TuneAttributeKind.IntRange => "IntRange",
            TuneAttributeKind.Choice => "Choice",
            _ => "ActiveWhen",
        };
    }
}
