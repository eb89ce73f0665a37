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
}
