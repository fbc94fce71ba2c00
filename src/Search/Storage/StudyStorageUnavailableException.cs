using System;
using System.IO;

namespace Attune.Search;

/// <summary>
/// The study storage could not reach its database for longer than the retry limit. The message names the database by
/// host, port and name only (never the connection string or password), how long it tried and the last error.
/// </summary>
public sealed class StudyStorageUnavailableException : IOException
{
    public StudyStorageUnavailableException(string message, Exception inner) : base(message, inner) { }
}
