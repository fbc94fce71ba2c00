using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.FineTune
{
    /// <summary>Turns one <c>[FineTune]</c> class into an equatable <see cref="FineTuneModel"/> and its diagnostics.</summary>
    internal static class FineTuneParser
    {

        /// <summary>Never throws (except on cancellation): an unexpected exception becomes AT0099.</summary>
        public static FineTuneParseResult Parse(GeneratorAttributeSyntaxContext context, KnownTypes known, CancellationToken cancellationToken)
            => InternalErrors.Guard(context, cancellationToken, (c, ct) => ParseCore(c, known, ct), errors => new FineTuneParseResult(null, errors));

        private static FineTuneParseResult ParseCore(GeneratorAttributeSyntaxContext context, KnownTypes known, CancellationToken cancellationToken)
        {
            if (AttributeTarget.Read(context, cancellationToken) is not { } target)
                return new FineTuneParseResult(null, EquatableArray<DiagnosticInfo>.Empty);

            var type = target.Type;
            var attribute = target.Attribute;
            var attributeSyntax = target.AttributeSyntax;
            var identifier = target.Identifier;
            var diagnostics = new DiagnosticBag();

            // Without the runtime package nothing generated could compile, and every other check would be noise.
            if (known.FineTunable is null)
            {
                diagnostics.Add(DiagnosticDescriptors.FineTuningNotReferenced, identifier, type.Name);
                return new FineTuneParseResult(null, diagnostics.ToEquatableArray());
            }

            var canEmit = DeclarationChecks.IsPartial(type, DiagnosticDescriptors.NotPartial, identifier, diagnostics);
            canEmit &= CheckModule(type, known, identifier, diagnostics, out var inputType);

            var options = OptionsParser.Parse(attribute, attributeSyntax, diagnostics);
            var customLoss = ParseHook(type, options, "Loss", "CustomLoss", isLoss: true, known, context.SemanticModel, diagnostics, cancellationToken);
            var customMetric = ParseHook(type, options, "Metric", "CustomMetric", isLoss: false, known, context.SemanticModel, diagnostics, cancellationToken);
            CheckWarmup(options, diagnostics);
            ResumeOptionsCheck.Check(options, diagnostics);
            if (options.EnumMembers.TryGetValue("Metric", out var metric) && metric == "Custom"
                && options.EnumMembers.TryGetValue("MetricDirection", out var direction) && direction == "Auto")
            {
                diagnostics.Add(DiagnosticDescriptors.CustomMetricDirection, options.Arguments.ArgumentLocation("Metric"), options.Arguments.String("CustomMetric") ?? "the custom metric");
            }
            CheckDirection(type, options, diagnostics);

            var fields = FieldRulesParser.Parse(type, known, LocationInfo.From(attributeSyntax?.Name), (int)options.Number("Epochs"), diagnostics, cancellationToken);

            FineTuneModel? model = null;
            if (canEmit)
            {
                model = new FineTuneModel(
                    HierarchyParser.Parse(type),
                    HierarchyParser.HintName(type, ".FineTune.g.cs"),
                    type.ToDisplayString(HierarchyParser.DisplayNameFormat),
                    type.Name,
                    options.Assignments.ToEquatableArray(),
                    fields.ToEquatableArray(),
                    customLoss,
                    customMetric,
                    InheritsGeneratedMembers(type),
                    inputType);
            }

            return new FineTuneParseResult(model, diagnostics.ToEquatableArray());
        }

        /// <summary>
        /// AT0002 unless the class derives from <c>nn.Module&lt;TInput, Tensor&gt;</c>; AT0025 when it derives from a
        /// module whose forward takes several arguments (the loop passes one input per batch). Quiet when a base type
        /// does not resolve (the compiler reports that). <paramref name="inputType"/> is the fully qualified TInput, or
        /// null for a <c>Tensor</c> input (the shape with in-memory tensor overloads).
        /// </summary>
        /// <summary>AT0029: an explicit MetricDirection that contradicts a built-in metric (minimizing accuracy,
        /// maximizing a loss). A warning, not an error: the metric is a fact, but a test may want the worst epoch.</summary>
        private static void CheckDirection(INamedTypeSymbol type, ParsedOptions options, DiagnosticBag diagnostics)
        {
            if (!options.EnumMembers.TryGetValue("Metric", out var metric) || !options.EnumMembers.TryGetValue("MetricDirection", out var direction)
                || metric is null || direction is null)
                return;
            string? better = MetricDirections.Better(metric);
            if (better is null || direction == "Auto" || direction == better)
                return;
            diagnostics.Add(DiagnosticDescriptors.DirectionContradictsMetric, options.Arguments.ArgumentLocation("MetricDirection"),
                direction, type.Name, metric, MetricDirections.Words(better), better);
        }

        private static bool CheckModule(INamedTypeSymbol type, KnownTypes known, LocationInfo? identifier, DiagnosticBag diagnostics, out string? inputType)
        {
            inputType = null;
            if (KnownTypes.HasErrorInBaseChain(type.BaseType))
                return false;
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (known.ModuleOfInputOutput is not null
                    && SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, known.ModuleOfInputOutput)
                    && current.TypeArguments.Length == 2
                    && known.IsTensor(current.TypeArguments[1]))
                {
                    var input = current.TypeArguments[0];
                    if (!known.IsTensor(input))
                        inputType = input.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                    return true;
                }
                if (known.IsMultiInputModule(current.OriginalDefinition))
                {
                    diagnostics.Add(DiagnosticDescriptors.SeveralInputs, identifier, type.Name, current.ToDisplayString(), (current.TypeArguments.Length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return false;
                }
            }

            var baseName = type.BaseType?.ToDisplayString() ?? "object";
            diagnostics.Add(DiagnosticDescriptors.NotAModule, identifier, type.Name, baseName);
            return false;
        }

        private static CustomHookModel? ParseHook(INamedTypeSymbol type, ParsedOptions options, string kindOption, string methodOption, bool isLoss, KnownTypes known, SemanticModel semanticModel, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            options.EnumMembers.TryGetValue(kindOption, out var kind);
            var method = options.Arguments.String(methodOption);
            var isCustom = kind == "Custom";
            var hasMethod = !string.IsNullOrEmpty(method);

            if (isCustom && !hasMethod)
            {
                // A value with a compile error (e.g. nameof of a missing method) is reported by the compiler.
                if (options.Arguments.HasCompileError(methodOption))
                    return null;
                var signature = isLoss ? "Tensor Name(Tensor output, Tensor labels)" : "double Name(Tensor outputs, Tensor labels)";
                diagnostics.Add(DiagnosticDescriptors.CustomWithoutMethod, options.Arguments.ArgumentLocation(kindOption), kindOption, kindOption, methodOption, signature);
                return null;
            }

            if (!isCustom && hasMethod)
            {
                diagnostics.Add(DiagnosticDescriptors.CustomIgnored, options.Arguments.ArgumentLocation(methodOption), methodOption, method!, kindOption, kind ?? "undefined");
                return null;
            }

            // nameof(Missing) still has a constant value, but the compiler already reports CS0103 for it.
            if (isCustom && options.Arguments.Syntax(methodOption) is { } argument && HasCompileError(semanticModel, argument.Expression, cancellationToken))
                return null;

            return isCustom ? CustomHookParser.Parse(type, method!, isLoss, known, options.Arguments.ArgumentLocation(methodOption), diagnostics) : null;
        }

        private static bool InheritsGeneratedMembers(INamedTypeSymbol type)
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (!current.GetMembers("FineTuneDefaults").IsEmpty || !current.GetMembers("RunFineTune").IsEmpty)
                    return true;
                foreach (var attribute in current.GetAttributes())
                {
                    if (attribute.AttributeClass?.ToDisplayString() == KnownTypes.FineTuneAttributeName)
                        return true;
                }
            }
            return false;
        }

        private static bool HasCompileError(SemanticModel semanticModel, ExpressionSyntax expression, CancellationToken cancellationToken)
        {
            if (expression.SyntaxTree != semanticModel.SyntaxTree)
                return false;
            foreach (var diagnostic in semanticModel.GetDiagnostics(expression.Span, cancellationToken))
            {
                if (diagnostic.Severity == DiagnosticSeverity.Error)
                    return true;
            }
            return false;
        }

        private static void CheckWarmup(ParsedOptions options, DiagnosticBag diagnostics)
        {
            var steps = options.Number("WarmupSteps");
            var ratio = options.Number("WarmupRatio");
            if (steps > 0 && ratio > 0)
            {
                diagnostics.Add(
                    DiagnosticDescriptors.WarmupConflict,
                    options.Arguments.ArgumentLocation("WarmupRatio"),
                    Literals.Integer((long)steps),
                    Literals.Double(ratio));
            }
        }
    }
}
