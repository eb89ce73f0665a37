namespace OutboundGuard.Admin.Content;

/// <summary>
/// Teaches this node's content model from a review decision (the texts of the reviewed account's held mail), as
/// before: the model is trained per node and its texts are not sent to other nodes. Implemented by the host; a node
/// without a model learns nothing.
/// </summary>
public interface IContentLearning
{
    /// <summary>Learns each text as spam or as ham; returns how many were learned (0 without a model).</summary>
    int Learn(IReadOnlyList<(string Subject, string Body)> texts, bool spam);
}
