using Haechi.Core.Hashing;

namespace Haechi.Core.Video;

/// <summary>
/// One hashed video frame, as a line of Meta's vPDQ output: <c>frame_number,quality,hash,timestamp</c>.
/// </summary>
/// <param name="FrameNumber">0-based decode order of the frame in the video.</param>
/// <param name="Quality">PDQ quality of the frame, 0..100.</param>
/// <param name="Hash">PDQ hash of the frame (zero for frames too small to hash).</param>
/// <param name="Timestamp">Seconds from the start: frame number / frame rate, as upstream computes it.</param>
public readonly record struct VpdqFrame(int FrameNumber, int Quality, Hash256 Hash, double Timestamp);
