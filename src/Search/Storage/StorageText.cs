using System;

namespace Attune.Search;

/// <summary>Recognising the forms of <see cref="SweepOptions.Storage"/> without opening anything. Recognising a
/// PostgreSQL string lives here, not in the PostgreSQL package, so that a program without that package can say which
/// package it lacks instead of calling the string unknown.</summary>
internal static class StorageText
{
    /// <summary>True for the forms PostgreSQL storage accepts: a URL postgres:// or postgresql://, or a keyword string
    /// that names a Host (or Server).</summary>
    public static bool LooksLikePostgres(string s)
    {
        s = s.TrimStart();
        if (s.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var part in s.Split(';'))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) continue;
            string key = part[..eq].Trim();
            if (key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
