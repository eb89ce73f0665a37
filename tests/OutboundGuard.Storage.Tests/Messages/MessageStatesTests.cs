using Dapper;
using OutboundGuard.Storage.Spool;
using OutboundGuard.Testing.Postgres;
using Xunit;

namespace OutboundGuard.Storage.Tests.Messages;

[Collection(PostgresCollection.Name)]
public sealed class MessageStatesTests(PostgresFixture postgres)
{
    public static TheoryData<MessageState> States() => [.. Enum.GetValues<MessageState>()];

    [Theory]
    [MemberData(nameof(States))]
    public async Task Every_state_is_stored_under_its_name_and_read_back_as_itself(MessageState state)
    {
        var id = Guid.CreateVersion7();
        await new SpooledMessageRepository(postgres.DataSource).InsertAsync(new SpooledMessage
        {
            Id = id,
            SessionId = "s-states",
            ClientIp = "127.0.0.1",
            EnvelopeFrom = "sender@states.example",
            Recipients = ["a@dest.example"],
            SizeOctets = 10,
            SpoolPath = "/nonexistent/" + id.ToString("N"),
            State = state,
        });

        await using var connection = await postgres.DataSource.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<string>("SELECT state FROM messages WHERE id = @id", new { id });
        Assert.Equal(MessageStates.ToText(state), stored);
        Assert.Equal(state, MessageStates.Parse(stored));
    }

    [Theory]
    [InlineData("parked")]
    [InlineData("Queued")]
    [InlineData("")]
    public void Unknown_stored_text_fails_with_a_message_naming_it_and_the_known_states(string text)
    {
        var error = Assert.Throws<FormatException>(() => MessageStates.Parse(text));
        Assert.Equal($"Unknown message state '{text}' in messages.state; expected one of queued, delivering, deferred, delivered, bounced, failed, quarantined, released, deleted, held.", error.Message);
    }

    [Fact]
    public void The_final_and_pending_states_are_those_the_queue_sql_names()
    {
        Assert.Equal(["delivered", "bounced", "failed"], MessageStates.Final.Select(MessageStates.ToText));
        Assert.Equal(["queued", "deferred", "delivering"], MessageStates.Pending.Select(MessageStates.ToText));
    }
}
