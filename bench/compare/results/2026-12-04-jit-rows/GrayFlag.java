import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import org.bytedeco.ffmpeg.avcodec.*;
import org.bytedeco.ffmpeg.avformat.*;
import org.bytedeco.ffmpeg.avutil.*;
import java.lang.management.*;
import java.nio.file.*;
import java.util.*;
public class GrayFlag {
  // decode every frame of a file; returns checksum of luma planes
  static long decode(String file, boolean gray, long[] cpuNs) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    AVFormatContext fmt = new AVFormatContext(null);
    if (avformat_open_input(fmt, file, null, null) < 0) throw new RuntimeException(file);
    avformat_find_stream_info(fmt, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
    AVStream st = fmt.streams(0);
    AVCodec dec = avcodec_find_decoder(st.codecpar().codec_id());
    AVCodecContext c = avcodec_alloc_context3(dec);
    avcodec_parameters_to_context(c, st.codecpar());
    c.thread_count(1);
    if (gray) c.flags(c.flags() | AV_CODEC_FLAG_GRAY);
    avcodec_open2(c, dec, (AVDictionary) null);
    AVPacket pkt = av_packet_alloc(); AVFrame fr = av_frame_alloc();
    long sum = 0; long t = 0;
    while (av_read_frame(fmt, pkt) >= 0) {
      long t0 = cpu.getCurrentThreadCpuTime();
      avcodec_send_packet(c, pkt);
      while (avcodec_receive_frame(c, fr) >= 0) {
        t += cpu.getCurrentThreadCpuTime() - t0;
        int w = fr.width(), h = fr.height(), ls = fr.linesize(0);
        byte[] row = new byte[w];
        for (int y = 0; y < h; y++) { fr.data(0).position((long) y * ls).get(row); for (byte b : row) sum = sum * 31 + (b & 0xff); }
        fr.data(0).position(0);
        t0 = cpu.getCurrentThreadCpuTime();
      }
      av_packet_unref(pkt);
    }
    cpuNs[0] += t;
    av_frame_free(fr); av_packet_free(pkt); avcodec_free_context(c); avformat_close_input(fmt);
    return sum;
  }
  public static void main(String[] a) throws Exception {
    av_log_set_level(AV_LOG_QUIET);
    List<Path> videos; try (var s = Files.list(Path.of(a[0]))) { videos = s.filter(p->p.toString().endsWith(".avi")).sorted().limit(60).toList(); }
    int same = 0;
    for (int r = 0; r < 4; r++) {
      long[] plain = {0}, gr = {0};
      same = 0;
      for (Path v : videos) {
        long s1 = decode(v.toString(), false, plain);
        long s2 = decode(v.toString(), true, gr);
        if (s1 == s2) same++;
      }
      System.out.printf("round %d: decode CPU plain %.0f ms, gray flag %.0f ms; luma identical in %d/%d videos%n", r, plain[0]/1e6, gr[0]/1e6, same, videos.size());
    }
  }
}
