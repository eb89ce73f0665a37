using System.Runtime.CompilerServices;

namespace OutboundGuard.Smtp.Session;

/// <summary>
/// What <c>await</c> uses to move a session off the socket's event thread: completed when there is nothing to
/// leave, otherwise always resumed on a pool thread. An awaitable rather than an async method on purpose: an
/// async wrapper around <see cref="Task.Yield"/> may finish on the pool thread before its caller checks whether
/// it completed, and the caller would then carry on synchronously on the very thread it meant to leave.
/// </summary>
internal readonly struct SocketThreadExit(bool leave) : ICriticalNotifyCompletion
{
    public SocketThreadExit GetAwaiter() => this;

    public bool IsCompleted => !leave;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => Task.Yield().GetAwaiter().OnCompleted(continuation);

    public void UnsafeOnCompleted(Action continuation) => Task.Yield().GetAwaiter().UnsafeOnCompleted(continuation);
}
