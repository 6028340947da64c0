namespace Haechi.Server.Features.Cases;

/// <summary>One fingerprint computed on the victim's device.</summary>
/// <param name="Type"><c>pdq</c>, <c>md5</c> or <c>face-faceres-v1</c>.</param>
/// <param name="Hash">Hex: 64 digits for PDQ, 32 for MD5; none for a face.</param>
/// <param name="Quality">PDQ quality, 0..100 (required for PDQ).</param>
/// <param name="Local">
/// PDQ signals only, opt-in: the photo's local features computed on the device (base64 of
/// <c>LocalFeatures.ToBytes</c>, 36 bytes per keypoint, at most 176); accepted only with the request's
/// <c>localConsent</c> set. The server keeps a minimised copy (positions rounded to 2 px).
/// </param>
/// <param name="Views">
/// PDQ signals only, optional: PDQ hashes of views of the same photo computed on the device
/// (<c>VictimViews</c>: <c>trimmed</c>, <c>photo</c>, centre crops <c>crop2</c>..<c>crop24</c>, caption cuts
/// <c>cutbottom2</c>..<c>cutbottom24</c> and <c>cuttop2</c>..<c>cuttop24</c>), so that cropped copies are found.
/// Each kind at most once, at most 38 views; the same privacy class as the PDQ itself.
/// </param>
/// <param name="Embedding">
/// <c>face-faceres-v1</c> signals only: her face's FaceRes embedding computed on her device (base64 of 1024
/// float32, little-endian), accepted only with the request's <c>faceConsent</c>; stored sealed.
/// </param>
/// <param name="Frames">
/// vPDQ signals only (<c>type: "vpdq"</c>, one video): its frame hashes computed on the device, in frame
/// order (<see cref="FrameInput"/>); 1 to <c>VictimVideo.MaxFrames</c> frames, at most <c>VictimVideo.MaxSeconds</c> seconds.
/// </param>
internal sealed record SignalInput(string? Type, string? Hash, int? Quality, string? Local = null, IReadOnlyList<ViewInput?>? Views = null, string? Embedding = null, IReadOnlyList<FrameInput?>? Frames = null);

/// <summary>One hashed frame of a video, as a line of vPDQ output.</summary>
/// <param name="Hash">The frame's PDQ hash, 64 hexadecimal digits.</param>
/// <param name="Quality">Its PDQ quality, 0..100.</param>
/// <param name="Frame">Its 0-based frame number in decode order (increasing within a video).</param>
/// <param name="Seconds">Its timestamp: frame number / frame rate (not decreasing within a video).</param>
internal sealed record FrameInput(string? Hash, int? Quality, int? Frame, double? Seconds);

/// <summary>One PDQ view of a photo, computed on the victim's device.</summary>
/// <param name="Kind">The view's name (<c>crop10</c>, <c>cutbottom6</c>, <c>trimmed</c>, ...).</param>
/// <param name="Hash">Its PDQ hash, 64 hexadecimal digits.</param>
/// <param name="Quality">Its PDQ quality, 0..100 (optional; the photo's quality when absent).</param>
internal sealed record ViewInput(string? Kind, string? Hash, int? Quality = null);

/// <summary>Body of <c>POST /api/cases</c>.</summary>
/// <param name="Signals">Fingerprints of the photos to protect.</param>
/// <param name="Language"><c>ko</c> (default) or <c>en</c>.</param>
/// <param name="LocalConsent">The victim ticked the consent line for the detailed fingerprint (local features); without it, signals carrying local features are refused.</param>
/// <param name="FaceConsent">She ticked the separate consent of the face step; without it, face signals are refused.</param>
internal sealed record CreateCaseRequest(IReadOnlyList<SignalInput>? Signals, string? Language, bool? LocalConsent = null, bool? FaceConsent = null);

/// <summary>Body of <c>POST /api/cases/{caseNumber}/signals</c>.</summary>
/// <param name="Signals">More fingerprints.</param>
/// <param name="LocalConsent">As in <see cref="CreateCaseRequest.LocalConsent"/>.</param>
/// <param name="FaceConsent">As in <see cref="CreateCaseRequest.FaceConsent"/>.</param>
internal sealed record AddSignalsRequest(IReadOnlyList<SignalInput>? Signals, bool? LocalConsent = null, bool? FaceConsent = null);

/// <summary>A new case: shown once; the PIN cannot be recovered.</summary>
internal sealed record CaseCreated(string CaseNumber, string Pin);

/// <summary>One line of a case's history.</summary>
/// <param name="Event">What happened (<c>registered</c>, <c>signalsAdded</c>, <c>withdrawn</c>, ...).</param>
/// <param name="At">When (UTC).</param>
/// <param name="SignalCount">Signals it concerned.</param>
internal sealed record CaseHistoryItem(Haechi.Core.Cases.CaseEventKind Event, DateTimeOffset At, int SignalCount);

/// <summary>A case as its owner sees it.</summary>
/// <param name="Status">Where the case stands.</param>
/// <param name="History">What happened, oldest first.</param>
/// <param name="SignalCount">Every signal the case holds (a photo is two: its PDQ and its MD5): a technical total; pages show <see cref="Registered"/>.</param>
/// <param name="Removal">Removal progress of the copies found.</param>
internal sealed record CaseView(Haechi.Core.Cases.CaseStatus Status, IReadOnlyList<CaseHistoryItem> History, int SignalCount, RemovalProgress Removal)
{
    /// <summary>What she registered, counted as she thinks of it: photos, videos, faces (not fingerprints).</summary>
    public CaseRegistered Registered { get; init; } = new(0, 0, 0);

    /// <summary>The copies of her content an analyst confirmed (or that matched content confirmed from them), oldest first.</summary>
    public IReadOnlyList<CaseCopy> Copies { get; init; } = [];
}

/// <summary>What a case holds, in the units its owner chose them: one photo is one photo, however many fingerprints it gave.</summary>
/// <param name="Photos">Photos registered and still active (one PDQ bank entry each).</param>
/// <param name="Videos">Videos registered and still active (one vPDQ bank entry each).</param>
/// <param name="Faces">Faces enrolled and still active (one face-embedding bank entry each).</param>
internal sealed record CaseRegistered(int Photos, int Videos, int Faces);

/// <summary>Where one confirmed copy stands, as its owner sees it: no URL, no content.</summary>
internal enum CaseCopyState
{
    /// <summary>Confirmed; no removal notice sent yet.</summary>
    Confirmed,

    /// <summary>Confirmed, but not found online (a seized file, say): kept as evidence, nothing to remove.</summary>
    NotOnline,

    /// <summary>A removal notice went to the host; still online at the last check.</summary>
    NoticeSent,

    /// <summary>Verified removed.</summary>
    Removed,
}

/// <summary>One confirmed copy of a victim's content: when it was found and where its removal stands.</summary>
internal sealed record CaseCopy(DateTimeOffset FoundAt, CaseCopyState State, DateTimeOffset? NoticeSentAt, DateTimeOffset? RemovedAt);

/// <summary>Removal progress of the items found for a case: counts only, never URLs of content.</summary>
/// <param name="Noticed">Items a removal notice was sent for.</param>
/// <param name="Removed">Of those, verified removed.</param>
/// <param name="StillOnline">Of those, still online at the last check.</param>
internal sealed record RemovalProgress(int Noticed, int Removed, int StillOnline);
