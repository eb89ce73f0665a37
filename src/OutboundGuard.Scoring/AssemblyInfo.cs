using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("OutboundGuard.Scoring.Tests")]
