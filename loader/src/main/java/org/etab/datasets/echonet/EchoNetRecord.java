package org.etab.datasets.echonet;

import java.nio.file.Path;
import org.etab.source.Split;

/**
 * One EchoNet-Dynamic video as listed in {@code FileList.csv}, with its two traced frames.
 * No pixels: a record is what the index holds, 10k of them in a few MB.
 *
 * @param id        FileName without extension (the sample id used in exports)
 * @param video     the video file, inside the dataset root
 * @param ef        ejection fraction, percent, as FileList writes it (CM compares it; EF's label is its float32)
 * @param esv       end-systolic volume, ml; NaN when FileList's is empty or not a number (no target reads it)
 * @param edv       end-diastolic volume, ml; NaN likewise
 * @param fps       the frame rate FileList gives for the file
 * @param frames    NumberOfFrames from FileList
 * @param es        the first traced frame of the video (the reference takes it as end-systole)
 * @param ed        the last traced frame of the video (end-diastole, the large one)
 */
public record EchoNetRecord(
        String id,
        Path video,
        double ef,
        float esv,
        float edv,
        int frameHeight,
        int frameWidth,
        double fps,
        int frames,
        Split split,
        Tracing es,
        Tracing ed) {}
