import java.util.*;
import jdk.jfr.*;
import jdk.jfr.consumer.*;
import java.nio.file.*;

/**
 * Which classes jdk.ObjectCountAfterGC reports: six classes sized at 0.3 to 0.8 % of the heap used before the count,
 * next to about 100 MB of byte[]; prints the classes sent with their share of the heap used after the collection.
 * Run: java -Xmx1g Cutoff.java
 */
public class Cutoff {
  static final class P03 { long a; } static final class P04 { long a; } static final class P045 { long a; }
  static final class P055 { long a; } static final class P06 { long a; } static final class P08 { long a; }
  public static void main(String[] a) throws Exception {
    List<Object> live = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) live.add(new byte[80]); // ~96 MB of byte[96]
    System.gc();
    long used = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    double[] pct = {0.3, 0.4, 0.45, 0.55, 0.6, 0.8};
    for (int k = 0; k < pct.length; k++) {
      long n = (long) (used * pct[k] / 100 / 16);
      for (long i = 0; i < n; i++) live.add(switch (k) { case 0 -> new P03(); case 1 -> new P04(); case 2 -> new P045(); case 3 -> new P055(); case 4 -> new P06(); default -> new P08(); });
    }
    try (Recording r = new Recording()) {
      r.enable("jdk.ObjectCountAfterGC"); r.enable("jdk.GCHeapSummary"); r.start();
      System.gc();
      r.stop(); Path f = Files.createTempFile("c", ".jfr"); r.dump(f);
      long total = 0; Map<String, Long> sizes = new TreeMap<>(); long heapAfter = -1;
      for (RecordedEvent e : RecordingFile.readAllEvents(f)) {
        if (e.getEventType().getName().equals("jdk.ObjectCountAfterGC")) sizes.put(e.getClass("objectClass").getName(), e.getLong("totalSize"));
        else if (e.getString("when").equals("After GC")) heapAfter = e.getLong("heapUsed");
      }
      System.out.println("heapUsed after GC " + heapAfter + "; classes sent " + sizes.size());
      for (var en : sizes.entrySet()) System.out.printf("%-20s %10d  %.3f%% of heapUsed%n", en.getKey(), en.getValue(), 100.0 * en.getValue() / heapAfter);
    }
    System.out.println(live.size());
  }
}
