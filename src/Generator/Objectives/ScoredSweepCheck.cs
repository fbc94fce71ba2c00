using System.Linq;
using System.Threading;
using Attune.Generator.Common;
using Attune.Generator.Diagnostics;
using Attune.Generator.Model;
using Attune.Generator.TuneSpace;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.Objectives
{
    /// <summary>
    /// AT0128: a <c>RunSweep</c> whose objective returns an <c>[ObjectiveScore]</c> type with several objectives while
    /// the <c>[TuneSpace]</c> asks for a pruner; the runtime refuses that sweep before its first trial, the build says
    /// so first. The returned expressions' types are read directly: <c>RunSweep</c> is generated, so the lambda is not
    /// bound to it in the compilation the generator reads.
    /// </summary>
    internal static class ScoredSweepCheck
    {
        public static DiagnosticInfo? Check(GeneratorSyntaxContext context, CancellationToken cancellationToken)
        {
            var invocation = (InvocationExpressionSyntax)context.Node;
            var receiver = ((MemberAccessExpressionSyntax)invocation.Expression).Expression;
            if (context.SemanticModel.GetSymbolInfo(receiver, cancellationToken).Symbol is not INamedTypeSymbol space) return null;
            var tuneSpace = space.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownTypes.TuneSpaceAttributeName);
            string? pruner = tuneSpace is null ? null : SweepObjectiveCheck.EnumMember(tuneSpace, "Pruner");
            if (pruner is null or "None") return null;

            var lambda = (LambdaExpressionSyntax)invocation.ArgumentList.Arguments[0].Expression;
            foreach (var returned in SweepObjectiveCheck.Returned(lambda))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var type = context.SemanticModel.GetTypeInfo(returned, cancellationToken).Type as INamedTypeSymbol;
                // An async objective returns the score; a Task-returning lambda's body may return Task.FromResult(score).
                if (type is { IsGenericType: true, Name: "Task" or "ValueTask", TypeArguments.Length: 1 }) type = type.TypeArguments[0] as INamedTypeSymbol;
                if (type is null || !type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ObjectiveScoreAttributeName)) continue;
                int objectives = type.GetMembers().OfType<IPropertySymbol>()
                    .Count(p => p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownTypes.ObjectiveAttributeName));
                if (objectives < 2) continue;
                var name = ((MemberAccessExpressionSyntax)invocation.Expression).Name;
                return DiagnosticInfo.Create(DiagnosticDescriptors.PruningSeveralObjectives, LocationInfo.From(name.GetLocation()),
                    space.Name, pruner, type.Name, objectives.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            return null;
        }
    }
}
