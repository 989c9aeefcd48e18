import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import jdk.jfr.*;
import jdk.jfr.consumer.*;

/**
 * Which G1 collections emit jdk.ObjectCountAfterGC, streamed to a RecordingStream, and their pauses.
 *
 * <p>Arguments: live MiB, mode, whether the event is enabled, rounds. Mode {@code full}: System.gc() per round;
 * {@code conc}: System.gc() per round, to be run with -XX:+ExplicitGCInvokesConcurrent (a concurrent cycle);
 * {@code natural}: garbage churn per round (young collections, and concurrent cycles once the live set passes the
 * initiating occupancy). Prints each event of the probe's own class, the collections that emitted events, and each
 * collection with its pauses. See pauses.sh and emission.txt.
 */
public class OcProbe {
  static final class Leaked { final byte[] b = new byte[48]; }
  static volatile Object sink;
  public static void main(String[] a) throws Exception {
    int liveMiB = Integer.parseInt(a[0]); String mode = a[1]; boolean on = Boolean.parseBoolean(a[2]);
    int rounds = Integer.parseInt(a[3]);
    List<Object> live = new ArrayList<>();
    Map<String, Integer> ocByGcName = new ConcurrentHashMap<>();
    Map<Long, String> gcName = new ConcurrentHashMap<>();
    List<String> pauses = Collections.synchronizedList(new ArrayList<>());
    Set<Long> ocGcIds = ConcurrentHashMap.newKeySet();
    Map<Long, Integer> ocPerGc = new ConcurrentHashMap<>();
    Map<String, long[]> lastLeaked = new ConcurrentHashMap<>();
    try (RecordingStream rs = new RecordingStream()) {
      if (on) rs.enable("jdk.ObjectCountAfterGC");
      rs.enable("jdk.GarbageCollection"); rs.enable("jdk.GCPhasePause"); rs.enable("jdk.GCHeapSummary");
      rs.onEvent("jdk.ObjectCountAfterGC", e -> {
        long id = e.getLong("gcId"); ocGcIds.add(id); ocPerGc.merge(id, 1, Integer::sum);
        String cls = e.getClass("objectClass").getName();
        if (cls.contains("Leaked")) System.out.println("  OC gcId=" + id + " " + cls + " count=" + e.getLong("count") + " totalSize=" + e.getLong("totalSize"));
      });
      rs.onEvent("jdk.GarbageCollection", e -> {
        gcName.put(e.getLong("gcId"), e.getString("name") + "/" + e.getString("cause"));
        pauses.add("GC gcId=" + e.getLong("gcId") + " " + e.getString("name") + " cause=" + e.getString("cause") + " sumOfPauses=" + e.getDuration("sumOfPauses").toNanos()/1e6 + "ms longest=" + e.getDuration("longestPause").toNanos()/1e6 + "ms");
      });
      rs.onEvent("jdk.GCPhasePause", e -> pauses.add("  pause gcId=" + e.getLong("gcId") + " " + e.getString("name") + " " + e.getDuration().toNanos()/1e6 + "ms"));
      rs.startAsync();
      Thread.sleep(500);
      // live heap: mostly 64-byte objects
      long perObj = 16 + 64; // Leaked (16) + byte[48] (64)
      long n = liveMiB * 1024L * 1024L / perObj;
      for (long i = 0; i < n; i++) live.add(new Leaked());
      System.out.println("live objects " + n);
      for (int r = 0; r < rounds; r++) {
        if (mode.equals("full")) { System.gc(); }
        else if (mode.equals("conc")) { System.gc(); /* with -XX:+ExplicitGCInvokesConcurrent */ Thread.sleep(1500); }
        else { // natural: churn garbage to cause young GCs
          for (int i = 0; i < 2_000_000; i++) sink = new byte[128];
          for (int i = 0; i < 20000; i++) live.add(new Leaked());
        }
        Thread.sleep(300);
      }
      Thread.sleep(2000);
      System.out.println("objectClass events by gcId: " + ocPerGc);
      for (Long id : new TreeSet<>(ocGcIds)) System.out.println("  gcId " + id + " -> " + gcName.get(id));
      for (String p : pauses) System.out.println(p);
    }
    System.out.println(live.size());
  }
}
