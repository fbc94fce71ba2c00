namespace Attune.Generator
{
    internal static class Placeholder { }
}
