
namespace Attune.Generator.Emit
{
    /// <summary>Re-opens a type's namespace and containing types as partial, so generated members land inside the
    /// user's declaration whatever its nesting and generic parameters.</summary>
    internal static class TypeScaffold
    {
        /// <summary>Opens every block down to the type itself (declared with <paramref name="baseList"/>, e.g.
        /// " : global::Attune.FineTuning.IFineTunable"); returns how many blocks <see cref="Close"/> must close.</summary>
        public static int Open(SourceWriter writer, HierarchyInfo hierarchy, string baseList)
        {
            var blocks = 0;
            if (hierarchy.Namespace.Length > 0)
            {
                writer.OpenBlock("namespace " + hierarchy.Namespace);
                blocks++;
            }
            var types = hierarchy.Types;
            for (var i = 0; i < types.Count; i++)
            {
                var type = types[i];
                var suffix = i == types.Count - 1 ? baseList : "";
                writer.OpenBlock($"partial {type.Keyword} {type.Name}{type.TypeParameters}{suffix}");
                blocks++;
            }
            return blocks;
        }

        public static void Close(SourceWriter writer, int blocks)
        {
            for (var i = 0; i < blocks; i++)
                writer.CloseBlock();
        }
    }
}
