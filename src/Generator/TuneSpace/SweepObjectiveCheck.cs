using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Attune.Generator.Common;
using Attune.Generator.Diagnostics;
using Attune.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.TuneSpace
{
    /// <summary>
    /// AT0121: a <c>RunSweep</c> whose objective returns a fine-tune's <c>BestMetric</c> while the sweep's
    /// <c>Direction</c> is the opposite of that metric's (minimizing accuracy, maximizing a loss). The usual objective
    /// is <c>model.RunFineTune(…).BestMetric</c>, or a local holding the report; other objectives are the user's own
    /// numbers and are not checked. A warning: the build cannot know every objective.
    /// </summary>
    internal static class SweepObjectiveCheck
    {
        private const string TuneSpaceAttributeName = "Attune.TuneSpaceAttribute";
        private const string FineTuneAttributeName = "Attune.FineTuneAttribute";

        /// <summary>A cheap syntactic filter: a call of a member named RunSweep or RunSweepAsync with a lambda argument.</summary>
        public static bool IsCandidate(SyntaxNode node, CancellationToken _)
            => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "RunSweep" or "RunSweepAsync" } } invocation
               && invocation.ArgumentList.Arguments.Count > 0
               && invocation.ArgumentList.Arguments[0].Expression is LambdaExpressionSyntax;

        public static DiagnosticInfo? Check(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var invocation = (InvocationExpressionSyntax)context.Node;
            // RunSweep and RunFineTune are generated, so they do not exist in the compilation the generator reads: the
            // receivers' types tell which [TuneSpace] and which [FineTune] model are meant.
            var receiver = ((MemberAccessExpressionSyntax)invocation.Expression).Expression;
            var space = context.SemanticModel.GetSymbolInfo(receiver, cancellationToken).Symbol as INamedTypeSymbol;
            var tuneSpace = space?.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TuneSpaceAttributeName);
            string? sweepDirection = tuneSpace is null ? null : EnumMember(tuneSpace, "Direction");
            if (space is null || sweepDirection is not ("Maximize" or "Minimize"))
                return null;

            var lambda = (LambdaExpressionSyntax)invocation.ArgumentList.Arguments[0].Expression;
            foreach (var returned in Returned(lambda))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (ReportModel(returned, context.SemanticModel, cancellationToken) is not { } model) continue;
                var fineTune = model.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == FineTuneAttributeName);
                if (fineTune is null) continue;
                string metric = EnumMember(fineTune, "Metric") ?? "Accuracy";
                string? explicitDirection = EnumMember(fineTune, "MetricDirection");
                string? better = explicitDirection is "Maximize" or "Minimize"
                    ? explicitDirection
                    : MetricDirections.Better(metric);
                if (better is null || better == sweepDirection) continue;
                return DiagnosticInfo.Create(DiagnosticDescriptors.SweepDirectionContradictsMetric, LocationInfo.From(returned),
                    space.Name, sweepDirection, model.Name, metric, MetricDirections.Words(better), better, MetricDirections.Words(sweepDirection));
            }
            return null;
        }

        /// <summary>What the lambda returns: its expression body, or the returns of its block (not of nested functions).</summary>
        internal static IEnumerable<ExpressionSyntax> Returned(LambdaExpressionSyntax lambda)
        {
            if (lambda.ExpressionBody is { } body)
            {
                yield return body;
                yield break;
            }
            if (lambda.Block is null) yield break;
            foreach (var ret in lambda.Block.DescendantNodes(n => n is not (LambdaExpressionSyntax or LocalFunctionStatementSyntax or AnonymousMethodExpressionSyntax))
                         .OfType<ReturnStatementSyntax>())
                if (ret.Expression is { } e) yield return e;
        }

        /// <summary>The model type whose <c>RunFineTune</c> produced the report that <paramref name="returned"/> reads
        /// <c>BestMetric</c> of: directly (<c>model.RunFineTune(…).BestMetric</c>) or through a local initialised by it.</summary>
        private static INamedTypeSymbol? ReportModel(ExpressionSyntax returned, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            while (returned is ParenthesizedExpressionSyntax p) returned = p.Expression;
            if (returned is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "BestMetric" } access) return null;
            var source = access.Expression;
            if (source is IdentifierNameSyntax && semanticModel.GetSymbolInfo(source, cancellationToken).Symbol is ILocalSymbol local
                && local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } initializer })
                source = initializer;
            if (source is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "RunFineTune" } call })
                return null;
            return semanticModel.GetTypeInfo(call.Expression, cancellationToken).Type as INamedTypeSymbol;
        }

        /// <summary>The enum member name a named argument of <paramref name="attribute"/> sets, or null when it is not set.</summary>
        internal static string? EnumMember(AttributeData attribute, string name)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key != name || argument.Value.Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType) continue;
                return enumType.GetMembers().OfType<IFieldSymbol>()
                    .FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, argument.Value.Value))?.Name;
            }
            return null;
        }
    }
}
