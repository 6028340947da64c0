using Haechi.Core.Forensics;

namespace Haechi.Media.Forensics;

/// <summary>
/// The IPTC Digital Source Type vocabulary (https://cv.iptc.org/newscodes/digitalsourcetype/) and
/// what each declared code means for a review.
/// </summary>
public static class DigitalSourceTypes
{
    /// <summary>Band and plain meaning of a declared code.</summary>
    public static (EvidenceBand Band, string Meaning) Interpret(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code switch
        {
            "trainedAlgorithmicMedia" => (EvidenceBand.StrongEvidenceOfManipulation, "created by a generative AI model"),
            "compositeWithTrainedAlgorithmicMedia" => (EvidenceBand.StrongEvidenceOfManipulation, "a composite that includes generative AI content"),
            "algorithmicMedia" => (EvidenceBand.StrongEvidenceOfManipulation, "created by an algorithm without a camera"),
            "compositeSynthetic" => (EvidenceBand.StrongEvidenceOfManipulation, "a composite that includes synthetic elements"),
            "composite" or "compositeCapture" => (EvidenceBand.StrongEvidenceOfManipulation, "a composite of several images"),
            "digitalArt" or "virtualRecording" or "dataDrivenMedia" => (EvidenceBand.StrongEvidenceOfManipulation, "not a camera capture (" + code + ")"),
            "algorithmicallyEnhanced" or "minorHumanEdits" => (EvidenceBand.Inconclusive, "a capture with declared edits (" + code + ")"),
            "digitalCapture" or "negativeFilm" or "positiveFilm" or "print" or "screenCapture" or "computationalCapture" or "digitalCreation" =>
                (EvidenceBand.NoEvidenceFound, "declared as a capture (" + code + "); a declaration is not proof"),
            _ => (EvidenceBand.Inconclusive, "an unrecognised code"),
        };
    }
}
