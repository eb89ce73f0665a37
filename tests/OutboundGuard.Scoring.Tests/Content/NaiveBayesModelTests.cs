using OutboundGuard.Scoring.Content;

namespace OutboundGuard.Scoring.Tests.Content;

public class NaiveBayesModelTests
{
    private static readonly string[] Spam =
    [
        "Congratulations you won a free prize claim your lottery winnings now",
        "Cheap meds online no prescription discount pharmacy order today",
        "Make money fast work from home guaranteed income click now",
        "Hot singles in your area waiting free registration click",
        "Lowest mortgage rates refinance now limited time offer free quote",
        "Claim your free gift card winner selected click to claim prize",
    ];

    private static readonly string[] Ham =
    [
        "Can we move the project meeting to Thursday afternoon please",
        "Attached is the revised budget for the next quarter review",
        "The build failed on the main branch, I am looking into the test",
        "Lunch tomorrow? The new place near the office has good soup",
        "Please review the pull request before the release on Monday",
        "Minutes from the board meeting are in the shared folder",
    ];

    private static NaiveBayesModel Trained()
    {
        var model = new NaiveBayesModel();
        foreach (string s in Spam)
        {
            model.Learn(string.Empty, s, spam: true);
        }

        foreach (string h in Ham)
        {
            model.Learn(string.Empty, h, spam: false);
        }

        return model;
    }

    [Fact]
    public void A_model_trained_on_a_small_corpus_separates_unseen_spam_and_ham()
    {
        NaiveBayesModel model = Trained();
        Assert.True(model.SpamProbability(string.Empty, "claim your free prize now, click") > 0.9);
        Assert.True(model.SpamProbability(string.Empty, "can we review the budget at the meeting") < 0.1);
    }

    [Fact]
    public void An_untrained_model_is_undecided()
    {
        Assert.Equal(0.5, new NaiveBayesModel().SpamProbability("x", "anything at all"));
    }

    [Fact]
    public void Saving_and_loading_gives_the_same_probabilities()
    {
        NaiveBayesModel model = Trained();
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        NaiveBayesModel loaded = NaiveBayesModel.Load(stream);
        Assert.Equal(model.SpamProbability(string.Empty, "free prize meeting"), loaded.SpamProbability(string.Empty, "free prize meeting"), 12);
        Assert.Equal(6, loaded.SpamMessages);
    }

    [Fact]
    public void Incremental_learning_from_an_ops_decision_moves_the_probability()
    {
        NaiveBayesModel model = Trained();
        double before = model.SpamProbability(string.Empty, "quarterly invoice overdue remittance transfer");
        for (int i = 0; i < 5; i++)
        {
            model.Learn(string.Empty, "quarterly invoice overdue remittance transfer urgent", spam: true);
        }

        Assert.True(model.SpamProbability(string.Empty, "quarterly invoice overdue remittance transfer") > before);
    }

    [Fact]
    public void Training_from_a_folder_reads_spam_and_ham_subfolders()
    {
        string root = Path.Combine(Path.GetTempPath(), "og-corpus-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "spam-1"));
            Directory.CreateDirectory(Path.Combine(root, "easy-ham-1"));
            for (int i = 0; i < Spam.Length; i++)
            {
                File.WriteAllText(Path.Combine(root, "spam-1", $"{i}.txt"), $"From x@y Mon Jan 1 00:00:00 2002\nFrom: a@spam.example\nSubject: offer\n\n{Spam[i]}\n");
                File.WriteAllText(Path.Combine(root, "easy-ham-1", $"{i}.txt"), $"From: b@ham.example\nSubject: work\n\n{Ham[i]}\n");
            }

            File.WriteAllText(Path.Combine(root, "spam-1", "0.json"), "{}");
            (NaiveBayesModel model, int spam, int ham) = ContentModelTrainer.TrainFromFolder(root);
            Assert.Equal((6, 6), (spam, ham));
            Assert.True(model.SpamProbability("offer", "free prize click now") > 0.9);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Long_runs_are_cut_into_pieces_of_24_characters_and_a_one_character_rest_is_left_out()
    {
        // 24 + 24 + 1 letters: two pieces; the single letter left over says nothing.
        string run = new string('a', 24) + new string('b', 24) + "c";
        var model = new NaiveBayesModel();
        model.Learn(string.Empty, new string('a', 24) + " " + new string('b', 24), spam: true);
        model.Learn(string.Empty, "ordinary words here", spam: false);
        double joined = model.SpamProbability(string.Empty, run);
        double apart = model.SpamProbability(string.Empty, new string('a', 24) + " " + new string('b', 24));
        Assert.Equal(apart, joined, 12);
        Assert.True(joined > 0.5);
        // Upper case reads as lower case; the pieces start where the run starts (one letter more in front moves every cut).
        Assert.Equal(apart, model.SpamProbability(string.Empty, new string('A', 24) + " " + new string('B', 24)), 12);
        Assert.NotEqual(apart, model.SpamProbability(string.Empty, "x" + run), 12);
    }

    [Theory]
    [InlineData("{\"Version\":1,\"Buckets\":1048576,\"SpamMessages\":1,\"HamMessages\":1,\"Spam\":{\"1048576\":3},\"Ham\":{}}", "bucket 1048576")]
    [InlineData("{\"Version\":1,\"Buckets\":1048576,\"SpamMessages\":1,\"HamMessages\":1,\"Spam\":{\"-1\":3},\"Ham\":{}}", "bucket -1")]
    [InlineData("{\"Version\":1,\"Buckets\":1048576,\"SpamMessages\":1,\"HamMessages\":1,\"Spam\":{},\"Ham\":{\"7\":0}}", "count 0")]
    public void A_model_file_with_a_bucket_or_count_out_of_range_is_refused_with_what_is_wrong(string json, string expected)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var error = Assert.Throws<InvalidDataException>(() => NaiveBayesModel.Load(stream));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classifying_on_many_threads_while_ops_decisions_are_learned_gives_answers_between_the_states_before_and_after()
    {
        NaiveBayesModel model = Trained();
        const string text = "claim your free prize meeting tomorrow";
        double before = model.SpamProbability(string.Empty, text);
        var learned = 0;
        var results = new System.Collections.Concurrent.ConcurrentBag<double>();
        Parallel.Invoke(
            () =>
            {
                for (int i = 0; i < 200; i++)
                {
                    model.Learn(string.Empty, "claim your free prize now", spam: true);
                    Interlocked.Increment(ref learned);
                }
            },
            () => Classify(),
            () => Classify());
        double after = model.SpamProbability(string.Empty, text);
        Assert.Equal(206, model.SpamMessages);
        Assert.True(after > before);
        Assert.All(results, p => Assert.InRange(p, before - 1e-6, after + 1e-6));

        void Classify()
        {
            while (Volatile.Read(ref learned) < 200)
            {
                results.Add(model.SpamProbability(string.Empty, text));
            }
        }
    }
}
