using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OutboundGuard.Smtp.Tests.Support;

/// <summary>
/// Connection middleware that makes the fastest possible client certain rather than a matter of luck: once the
/// client has sent STARTTLS, the server's next flush (the 220) returns only after the client's answer to it (its
/// TLS ClientHello) is already in the session's input. That is what happens when the reply is sent from the
/// session's own thread while the socket's reads go on on another and the session's thread is held up a moment
/// (a loaded machine). Everything else passes through unchanged over the real socket.
/// </summary>
public static class EagerClientTransport
{
    /// <summary>How long a held flush waits for the client at most, so that a client that never answers cannot stall the server.</summary>
    private static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(10);

    private static readonly byte[] StartTls = "STARTTLS\r\n"u8.ToArray();

    public static void Use(ListenOptions listen) => listen.Use(next => async connection =>
    {
        var transport = connection.Transport;
        var state = new State();
        var input = new Pipe();
        var pump = PumpAsync(transport.Input, input.Writer, state);
        connection.Transport = new Duplex(input.Reader, new HoldingWriter(transport.Output, state));
        try
        {
            await next(connection);
        }
        finally
        {
            transport.Input.CancelPendingRead();
            await pump;
        }
    });

    private static async Task PumpAsync(PipeReader from, PipeWriter to, State state)
    {
        try
        {
            while (true)
            {
                var result = await from.ReadAsync();
                var buffer = result.Buffer;
                var answer = state.SawStartTls && !buffer.IsEmpty;
                if (!state.SawStartTls && buffer.ToArray().AsSpan().IndexOf(StartTls) >= 0)
                {
                    // Known before the session can see the command, so the flush of its reply is held for sure.
                    state.SawStartTls = true;
                }

                foreach (var segment in buffer)
                {
                    to.Write(segment.Span);
                }

                await to.FlushAsync();
                if (answer)
                {
                    // The client's first octets after STARTTLS are in the session's input now.
                    state.Answered.TrySetResult();
                }

                from.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or InvalidOperationException)
        {
            // The connection went away.
        }
        finally
        {
            await to.CompleteAsync();
        }
    }

    private sealed class State
    {
        public volatile bool SawStartTls;
        public bool Held;

        public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Passes everything to the socket's writer; holds the return of the first flush after STARTTLS.</summary>
    private sealed class HoldingWriter(PipeWriter inner, State state) : PipeWriter
    {
        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            // Decided before the octets go out: the reply to the command before STARTTLS is not the one to hold,
            // even when the client's STARTTLS comes back before this flush returns.
            var hold = state.SawStartTls && !state.Held;
            var result = await inner.FlushAsync(cancellationToken);
            if (hold)
            {
                state.Held = true;
                try
                {
                    await state.Answered.Task.WaitAsync(MaxHold, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // The client did not answer; the session goes on as usual.
                }
            }

            return result;
        }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
