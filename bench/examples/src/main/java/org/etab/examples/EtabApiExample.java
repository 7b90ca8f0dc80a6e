package org.etab.examples;

// README: etab-api starts
import java.awt.Color;
import java.nio.file.Path;

import org.etab.api.DataTools;
import org.etab.api.EtabDataset;
import org.etab.api.Item;
import org.etab.api.Splits;
import org.etab.viz.VideoTools;
import org.etab.viz.Visualization;

public final class EtabApiExample {
    public static void main(String[] args) {
        Path root = Path.of(args[0]);   // an EchoNet-Dynamic directory (FileList.csv, VolumeTracings.csv, Videos/)
        Path out = Path.of(args[1]);
        EtabDataset echonet = EtabDataset.builder().name("echonet").root(root).target("EF").view("A4CH")
                .video(true).normalize(true).frameL(112).frameW(112).clipL(16).fps(50).build();
        echonet.loadData(10);                                // the first 10 good TRAIN clips, as ETAB's load_data
        Splits s = DataTools.trainingDataSplit(echonet, 0.5, 0.1, true); // scikit-learn's members, seed 42
        Item clip = echonet.data().get(0);                   // Item(id, x: the clip, y: EF in percent)
        VideoTools.createEchoClip(clip.x(), out.resolve(clip.id() + ".gif"), VideoTools.FRAME_MILLIS);

        EtabDataset lv = echonet.toBuilder().target("LV_seg").video(false).build().loadData(1);
        Item frame = lv.data().get(0);                       // x: the traced frame, y: its LV mask
        Visualization.plotSegment(frame.x(), frame.y(), true, Color.RED, out.resolve(frame.id() + ".png"));
        System.out.printf("%d clips (train %d, val %d, test %d); EF of %s: %.1f%n", echonet.data().size(),
                s.train().size(), s.val().size(), s.test().size(), clip.id(), clip.y().get(0));
    }
}
// README: etab-api ends
