using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.FineTune
{
    /// <summary>
    /// Reads <c>[Lora]</c> on a field of a <c>[FineTune]</c> model: AT0015 (no Targets and the field cannot be a Linear),
    /// AT0016 (rank, alpha, dropout), AT0017 (with [Freeze]), AT0018 (a pattern that is malformed or, where the
    /// container's type is a source class whose fields the build sees completely, matches no Linear), AT0019 (the model
    /// invokes an adapted field with <c>forward</c>, which skips hooks). Returns the <c>LoraSpec</c> expression to emit.
    /// </summary>
    internal static class LoraParser
    {
        /// <summary>TorchSharp modules that hold no submodules, so a container holding them is still fully known.</summary>
        private static readonly HashSet<string> LeafModules = new HashSet<string>(StringComparer.Ordinal)
        {
            "ReLU", "ReLU6", "GELU", "SiLU", "Mish", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "LeakyReLU", "ELU", "SELU", "CELU",
            "Softplus", "Hardswish", "Hardsigmoid", "Hardtanh", "PReLU", "Identity", "Flatten", "Unflatten",
            "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
            "LayerNorm", "GroupNorm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm",
            "Embedding", "EmbeddingBag", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
            "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
            "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "Bilinear",
        };

        public static string Parse(INamedTypeSymbol model, IFieldSymbol field, AttributeData attribute, bool frozen, KnownTypes known, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var attributeLocation = LocationInfo.From(syntax);
            int rank = 8;
            double alpha = 16, dropout = 0;
            var targets = new List<string?>();
            bool targetsGiven = false;
            foreach (var argument in attribute.NamedArguments)
            {
                var value = argument.Value;
                if (value.Kind == TypedConstantKind.Error)
                    continue;
                switch (argument.Key)
                {
                    case "Rank" when value.Value is int r: rank = r; break;
                    case "Alpha" when value.Value is not null: alpha = Convert.ToDouble(value.Value, CultureInfo.InvariantCulture); break;
                    case "Dropout" when value.Value is not null: dropout = Convert.ToDouble(value.Value, CultureInfo.InvariantCulture); break;
                    case "Targets" when value.Kind == TypedConstantKind.Array && !value.IsNull:
                        targetsGiven = value.Values.Length > 0;
                        targets.AddRange(value.Values.Select(v => v.Value as string));
                        break;
                }
            }

            if (rank < 1)
                diagnostics.Add(DiagnosticDescriptors.InvalidLoraValue, ArgumentLocation(syntax, "Rank"), "Rank", field.Name, Literals.Integer(rank), "at least 1", "8");
            if (!(alpha > 0) || double.IsInfinity(alpha))
                diagnostics.Add(DiagnosticDescriptors.InvalidLoraValue, ArgumentLocation(syntax, "Alpha"), "Alpha", field.Name, Shown(alpha), "a finite number greater than 0", "16");
            if (!(dropout >= 0 && dropout < 1))
                diagnostics.Add(DiagnosticDescriptors.InvalidLoraValue, ArgumentLocation(syntax, "Dropout"), "Dropout", field.Name, Shown(dropout), "a number in [0, 1)", "0");
            if (frozen)
                diagnostics.Add(DiagnosticDescriptors.LoraWithFreeze, attributeLocation, field.Name);

            var fieldType = field.Type;
            bool typeKnown = fieldType.TypeKind != TypeKind.Error && !KnownTypes.HasErrorInBaseChain(fieldType);
            if (!targetsGiven)
            {
                if (typeKnown && known.Linear is not null && !CanHoldLinear(fieldType, known))
                    diagnostics.Add(DiagnosticDescriptors.LoraNotLinear, attributeLocation, field.Name, fieldType.ToDisplayString());
                else
                    CheckForwardCalls(model, field, field.Name, known, diagnostics, cancellationToken);
            }
            else if (typeKnown)
            {
                CheckTargets(field, targets, syntax, known, diagnostics, cancellationToken);
            }

            var arguments = "rank: " + Literals.Integer(rank) + ", alpha: " + Literals.Double(alpha) + ", dropout: " + Literals.Double(dropout);
            if (targetsGiven)
                arguments += ", targets: new string[] { " + string.Join(", ", targets.Select(Literals.String)) + " }";
            return "new global::Attune.FineTuning.LoraSpec(" + arguments + ")";
        }

        private static void CheckTargets(IFieldSymbol field, List<string?> patterns, AttributeSyntax? syntax, KnownTypes known, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            // What the build can see of the container: Linear layers by dotted name, and whether anything is opaque
            // (a Sequential, a library module, a type parameter) so a pattern could still match at run time.
            var linears = new List<(string Name, IFieldSymbol Field)>();
            bool opaque = false;
            if (IsLinear(field.Type, known))
            {
                // A Linear has no layers inside; every pattern misses.
            }
            else if (IsSourceModule(field.Type))
            {
                Collect((INamedTypeSymbol)field.Type, "", known, linears, ref opaque, depth: 0, cancellationToken);
            }
            else
            {
                opaque = true;
            }

            foreach (var pattern in patterns)
            {
                var location = PatternLocation(syntax, pattern) ?? ArgumentLocation(syntax, "Targets");
                var problem = PatternProblem(pattern);
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticDescriptors.LoraTargetNoMatch, location, pattern ?? "null", field.Name, problem);
                    continue;
                }
                if (opaque || linears.Any(l => Matches(pattern!, l.Name)))
                    continue;
                var why = IsLinear(field.Type, known)
                    ? "matches nothing: '" + field.Name + "' is itself a Linear and has no layers inside (remove Targets to adapt it)"
                    : linears.Count == 0
                        ? "matches no Linear layer: '" + field.Type.ToDisplayString() + "' has none"
                        : "matches no Linear layer of '" + field.Type.ToDisplayString() + "' (its Linear layers: " + string.Join(", ", linears.Select(l => l.Name)) + ")";
                diagnostics.Add(DiagnosticDescriptors.LoraTargetNoMatch, location, pattern!, field.Name, why);
            }

            // The targeted layers of a source container must be invoked with call() by their own class.
            if (!opaque)
            {
                foreach (var (name, linear) in linears)
                {
                    if (patterns.Any(p => p is not null && PatternProblem(p) is null && Matches(p, name)))
                        CheckForwardCalls(linear.ContainingType, linear, field.Name + "." + name, known, diagnostics, cancellationToken);
                }
            }
        }

        private static void Collect(INamedTypeSymbol type, string prefix, KnownTypes known, List<(string, IFieldSymbol)> linears, ref bool opaque, int depth, CancellationToken cancellationToken)
        {
            if (depth > 8) { opaque = true; return; }   // deep or recursive types: leave them to the run-time check
            var current = type;
            for (; current is not null && IsSourceModule(current); current = current.BaseType)
            {
                foreach (var member in current.GetMembers().OfType<IFieldSymbol>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (member.IsStatic || member.IsConst)
                        continue;
                    var memberType = member.Type;
                    if (member.IsImplicitlyDeclared)
                    {
                        // An auto-property's backing field is registered under its compiler name: leave it to run time.
                        opaque |= known.IsModuleOrParameter(memberType);
                        continue;
                    }
                    if (!known.IsModuleOrParameter(memberType) || SymbolEqualityComparer.Default.Equals(memberType, known.Parameter))
                        continue;
                    var name = prefix + ComponentName(member);
                    if (IsLinear(memberType, known))
                        linears.Add((name, member));
                    else if (IsSourceModule(memberType))
                        Collect((INamedTypeSymbol)memberType, name + ".", known, linears, ref opaque, depth + 1, cancellationToken);
                    else if (!(memberType is INamedTypeSymbol named && named.ContainingNamespace?.ToDisplayString() == "TorchSharp.Modules" && LeafModules.Contains(named.Name)))
                        opaque = true;
                }
            }
            // A base class from a library may hold fields the build cannot list (TorchSharp's own Module types hold none).
            if (current is not null && current.ContainingNamespace?.ToDisplayString() != "TorchSharp")
                opaque = true;
        }

        /// <summary>The name RegisterComponents gives the field: [ComponentName(Name = ...)] or the field's name.</summary>
        private static string ComponentName(IFieldSymbol field)
        {
            foreach (var attribute in field.GetAttributes())
            {
                if (attribute.AttributeClass?.Name != "ComponentNameAttribute")
                    continue;
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Name" && argument.Value.Value is string name)
                        return name;
                }
            }
            return field.Name;
        }

        private static bool IsLinear(ITypeSymbol type, KnownTypes known)
            => known.Linear is not null && SymbolEqualityComparer.Default.Equals(type, known.Linear);

        /// <summary>True when a Linear fits in a field of this type (Linear itself or one of its base types).</summary>
        private static bool CanHoldLinear(ITypeSymbol type, KnownTypes known)
        {
            if (type is ITypeParameterSymbol)
                return true;
            for (INamedTypeSymbol? current = known.Linear; current is not null; current = current.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(current, type))
                    return true;
            }
            return false;
        }

        /// <summary>A non-generic class declared in this compilation: the build sees all of its fields.</summary>
        private static bool IsSourceModule(ITypeSymbol type)
            => type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsGenericType: false } named
               && named.Locations.Any(l => l.IsInSource);

        /// <summary>AT0019: <c>field.forward(...)</c> inside <paramref name="owner"/>, where the field has an adapter.</summary>
        private static void CheckForwardCalls(INamedTypeSymbol owner, IFieldSymbol field, string adaptedName, KnownTypes known, DiagnosticBag diagnostics, CancellationToken cancellationToken)
        {
            foreach (var reference in owner.DeclaringSyntaxReferences)
            {
                var node = reference.GetSyntax(cancellationToken);
                SemanticModel? semanticModel = null;
                foreach (var invocation in node.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "forward" } access)
                        continue;
                    var receiver = access.Expression;
                    var receiverName = receiver switch
                    {
                        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } thisAccess => thisAccess.Name.Identifier.ValueText,
                        _ => null,
                    };
                    if (receiverName != field.Name)
                        continue;
                    semanticModel ??= known.Compilation.GetSemanticModel(node.SyntaxTree);
                    if (!SymbolEqualityComparer.Default.Equals(semanticModel.GetSymbolInfo(receiver, cancellationToken).Symbol, field))
                        continue;
                    diagnostics.Add(DiagnosticDescriptors.LoraForwardCall, LocationInfo.From(access), receiver.ToString(), adaptedName);
                }
            }
        }

        private static LocationInfo? ArgumentLocation(AttributeSyntax? syntax, string name)
        {
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            return argument is not null ? LocationInfo.From(argument.Expression) : LocationInfo.From(syntax);
        }

        private static LocationInfo? PatternLocation(AttributeSyntax? syntax, string? pattern)
        {
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Targets");
            var literal = argument?.Expression.DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>()
                .FirstOrDefault(l => l.Token.Value is string text && text == pattern);
            return literal is null ? null : LocationInfo.From(literal);
        }

        private static string Shown(double value)
        {
            var literal = Literals.Double(value);
            return literal.StartsWith("global::System.Double.", StringComparison.Ordinal) ? "double." + literal.Substring(22) : literal;
        }

        internal static string? PatternProblem(string? pattern) => global::Attune.LoraPattern.Problem(pattern);

        internal static bool Matches(string pattern, string name) => global::Attune.LoraPattern.Matches(pattern, name);
    }
}
