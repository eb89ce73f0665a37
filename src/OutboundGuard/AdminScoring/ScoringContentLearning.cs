using OutboundGuard.Admin.Content;
using OutboundGuard.Scoring.Content;

namespace OutboundGuard.AdminScoring;

/// <summary>Feeds review decisions to this node's <see cref="NaiveBayesModel"/>, when one is configured.</summary>
internal sealed class ScoringContentLearning(NaiveBayesModel? model = null) : IContentLearning
{
    public int Learn(IReadOnlyList<(string Subject, string Body)> texts, bool spam)
    {
        if (model is null)
        {
            return 0;
        }

        foreach (var (subject, body) in texts)
        {
            model.Learn(subject, body, spam);
        }

        return texts.Count;
    }
}
