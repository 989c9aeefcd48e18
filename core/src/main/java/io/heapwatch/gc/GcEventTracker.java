package io.heapwatch.gc;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows garbage collections through JMX notifications.
 *
 * <ul>
 *   <li>{@link #gcCount()} is a counter of collections, one volatile read, for the request filter.
 *   <li>After each collection, the retained heap: the used bytes of the long-lived pools (G1 Old Gen, Parallel and
 *       Serial old generations, ZGC and Shenandoah old generations) plus, for the collectors that have them, the
 *       survivor spaces, read from the notification's after-GC usage, not from
 *       {@code MemoryPoolMXBean#getCollectionUsage()}, which G1's young collections leave stale. The survivors are
 *       counted because an object is promoted only after surviving up to 15 young collections: without them a leak
 *       would show only that many collections late. Collectors without a long-lived pool report the whole heap
 *       after GC.
 *   <li>As a {@link MeterBinder} it registers heap, GC and live-heap meters.
 * </ul>
 *
 * <p>{@link #close()} removes the JMX listeners and the meters it registered.
 */
public final class GcEventTracker implements MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GcEventTracker.class);

    private final List<GarbageCollectorMXBean> collectors;
    private final MemoryMXBean memory;
    private final Set<String> longLivedPools;
    private final Set<String> survivorPools;
    private final Set<String> heapPools;
    private final Tags tags;
    private final AtomicLong gcCount = new AtomicLong();
    private final AtomicLong notificationFaults = new AtomicLong();
    private final AtomicLong confirmedCount = new AtomicLong();
    private final AtomicBoolean faultLogged = new AtomicBoolean();
    private final List<LiveHeapListener> listeners = new CopyOnWriteArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    private final NotificationListener listener = this::handle;
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile long liveBytes = -1;
    private volatile long liveMaxBytes = -1;

    /** Tracks the platform's collectors; meters get the given tags (for example {@code container}). */
    public GcEventTracker(Tags tags) {
        this(ManagementFactory.getGarbageCollectorMXBeans(), ManagementFactory.getMemoryPoolMXBeans(), tags);
    }

    GcEventTracker(List<GarbageCollectorMXBean> collectors, List<MemoryPoolMXBean> pools, Tags tags) {
        this.collectors = List.copyOf(collectors);
        this.memory = ManagementFactory.getMemoryMXBean();
        this.tags = tags;
        Set<String> heap = new TreeSet<>();
        Set<String> longLived = new TreeSet<>();
        Set<String> survivors = new TreeSet<>();
        for (MemoryPoolMXBean pool : pools) {
            if (pool.getType() == MemoryType.HEAP) {
                heap.add(pool.getName());
                if (isLongLivedPool(pool.getName())) {
                    longLived.add(pool.getName());
                } else if (isSurvivorPool(pool.getName())) {
                    survivors.add(pool.getName());
                }
            }
        }
        this.heapPools = Set.copyOf(heap);
        this.longLivedPools = Set.copyOf(longLived);
        this.survivorPools = longLived.isEmpty() ? Set.of() : Set.copyOf(survivors);
        for (GarbageCollectorMXBean collector : this.collectors) {
            if (collector instanceof NotificationEmitter) {
                NotificationEmitter emitter = (NotificationEmitter) collector;
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
        if (emitters.isEmpty()) {
            log.warn("heapwatch: this JVM sends no GC notifications; samples spanning a GC are caught only by a falling"
                    + " heap, and the live heap after GC is not tracked");
        }
    }

    /**
     * Whether a heap pool holds long-lived objects: the old or tenured generation of the generational collectors.
     */
    static boolean isLongLivedPool(String poolName) {
        String name = poolName.toLowerCase(Locale.ROOT);
        return name.contains("old gen") || name.contains("tenured") || name.contains("old generation");
    }

    /**
     * Whether a heap pool holds the objects a young collection kept but has not promoted yet: the survivor spaces of
     * G1, Parallel and Serial.
     */
    static boolean isSurvivorPool(String poolName) {
        return poolName.toLowerCase(Locale.ROOT).contains("survivor");
    }

    /**
     * The pools whose after-GC usage bounds the signal and its maximum: the long-lived ones, or all heap pools when
     * there is no long-lived one.
     */
    public Set<String> trackedPools() {
        return longLivedPools.isEmpty() ? heapPools : longLivedPools;
    }

    /**
     * The survivor pools whose after-GC usage is added to the signal (empty when there is no long-lived pool): a
     * retained object is counted from the first collection it survives, not only once it is promoted.
     */
    public Set<String> survivorPools() {
        return survivorPools;
    }

    /** How many collections have been notified so far. One volatile read. */
    public long gcCount() {
        return gcCount.get();
    }

    /**
     * How many collections so far reclaimed long-lived space (see {@link LiveHeapListener#onLiveHeap(long, long,
     * long, boolean)}).
     */
    public long confirmedCount() {
        return confirmedCount.get();
    }

    /** The retained heap (long-lived pools plus survivors) after the last collection, or -1 before the first one. */
    public long liveBytesAfterLastGc() {
        return liveBytes;
    }

    /** Adds a listener called after each collection with the retained heap. */
    public void addListener(LiveHeapListener l) {
        listeners.add(l);
    }

    /** Removes a listener added with {@link #addListener(LiveHeapListener)}. */
    public void removeListener(LiveHeapListener l) {
        listeners.remove(l);
    }

    private void handle(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        gcCount.incrementAndGet();
        try {
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            onCollection(
                    info.getGcName(),
                    info.getGcAction(),
                    info.getGcCause(),
                    info.getGcInfo(),
                    System.currentTimeMillis());
        } catch (RuntimeException e) {
            notificationFaults.incrementAndGet();
            if (faultLogged.compareAndSet(false, true)) {
                log.warn("heapwatch: could not read a GC notification; counting further faults silently", e);
            }
        }
    }

    void onCollection(GcInfo gcInfo, long epochMillis) {
        onCollection("", "", "", gcInfo, epochMillis);
    }

    void onCollection(String gcName, String gcAction, GcInfo gcInfo, long epochMillis) {
        onCollection(gcName, gcAction, "", gcInfo, epochMillis);
    }

    /**
     * Whether a collection's cause says that somebody asked for it: {@code System.gc()} (also through {@code
     * GC.run}), a diagnostic command, a heap inspection (a class histogram), a heap dump, a JVMTI agent or the
     * test-only WhiteBox API, as HotSpot names those causes.
     */
    static boolean requested(String gcCause) {
        return gcCause.equals("System.gc()")
                || gcCause.equals("Diagnostic Command")
                || gcCause.startsWith("Heap Inspection")
                || gcCause.startsWith("Heap Dump")
                || gcCause.startsWith("JvmtiEnv")
                || gcCause.startsWith("WhiteBox");
    }

    void onCollection(String gcName, String gcAction, String gcCause, GcInfo gcInfo, long epochMillis) {
        Map<String, MemoryUsage> after = gcInfo.getMemoryUsageAfterGc();
        if (carriesNoUsage(after)) {
            return;
        }
        Map<String, MemoryUsage> before = gcInfo.getMemoryUsageBeforeGc();
        long used = 0;
        long max = 0;
        long usedBefore = 0;
        boolean found = false;
        for (String pool : trackedPools()) {
            MemoryUsage usage = after.get(pool);
            if (usage == null) {
                continue;
            }
            found = true;
            used += usage.getUsed();
            MemoryUsage previous = before == null ? null : before.get(pool);
            usedBefore += previous == null ? usage.getUsed() : previous.getUsed();
            max = usage.getMax() < 0 || max < 0 ? -1 : max + usage.getMax();
        }
        if (!found) {
            return;
        }
        if (max <= 0) {
            max = Runtime.getRuntime().maxMemory();
        }
        long oldAfter = used;
        boolean confirmed = reclaimedLongLived(gcName, gcAction, usedBefore, oldAfter, max, longLivedPools.isEmpty());
        boolean requested = requested(gcCause);
        for (String pool : survivorPools) {
            MemoryUsage usage = after.get(pool);
            if (usage != null) {
                used += usage.getUsed();
            }
        }
        liveBytes = used;
        liveMaxBytes = max;
        if (confirmed) {
            confirmedCount.incrementAndGet();
        }
        for (LiveHeapListener l : listeners) {
            try {
                l.onLiveHeap(epochMillis, used, max, confirmed, requested);
            } catch (RuntimeException e) {
                notificationFaults.incrementAndGet();
                if (faultLogged.compareAndSet(false, true)) {
                    log.warn("heapwatch: a live-heap listener failed; counting further faults silently", e);
                }
            }
        }
    }

    /**
     * Whether a collection reclaimed long-lived space, so that what it left is a point of the live set rather than
     * an upper bound of it (a young collection leaves every dead object that was promoted before it):
     * <ul>
     *   <li>a full or major collection: the action {@code end of major GC} (G1's, Parallel's and Serial's full
     *       collections), or a collector that only runs whole-heap or old-generation cycles ({@code ZGC Cycles} of
     *       non-generational ZGC, {@code ZGC Major Cycles}, {@code Shenandoah Cycles});
     *   <li>any other collection after which the long-lived pools hold at least {@link #CONFIRMING_DROP} of their
     *       maximum less than before it: G1's mixed collections (JDK 17 reports them as {@code G1 Young
     *       Generation}, {@code end of minor GC}) and the cleanup at the end of its concurrent cycle ({@code G1
     *       Concurrent GC}, JDK 20+). The margin keeps out young collections that free a humongous object or two.
     * </ul>
     * Without a long-lived pool (non-generational ZGC, Shenandoah) every cycle collects the whole heap.
     */
    static boolean reclaimedLongLived(
            String gcName, String gcAction, long oldBefore, long oldAfter, long maxBytes, boolean wholeHeapOnly) {
        if (wholeHeapOnly) {
            return true;
        }
        String action = gcAction.toLowerCase(Locale.ROOT);
        String name = gcName.toLowerCase(Locale.ROOT);
        if (action.contains("major")
                || name.contains("major")
                || name.equals("zgc cycles")
                || name.equals("shenandoah cycles")) {
            return true;
        }
        return maxBytes > 0 && oldBefore - oldAfter >= (long) (maxBytes * CONFIRMING_DROP);
    }

    /**
     * How much the long-lived pools must shrink in a collection that is not a full one, as a fraction of their
     * maximum, for it to count as reclaiming long-lived space: 1%, about ten G1 regions of a 1 GiB heap.
     */
    static final double CONFIRMING_DROP = 0.01;

    /**
     * ZGC's and Shenandoah's pause notifications (as opposed to their cycle notifications) report every pool as
     * empty, with nothing committed: they carry no measurement, and passing them on as a retained heap of zero would
     * pull every floor to zero.
     */
    private static boolean carriesNoUsage(Map<String, MemoryUsage> after) {
        for (MemoryUsage usage : after.values()) {
            if (usage.getCommitted() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Registers the heap, GC and live-heap meters. Binding again to a registry that already holds them (for example
     * when a framework binds every {@link MeterBinder} bean and the application binds this one too) does nothing.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        if (registries.contains(registry)
                || registry.find("heapwatch.heap.used").tags(tags).gauge() != null) {
            return;
        }
        registries.add(registry);
        meters.add(Gauge.builder("heapwatch.heap.used", memory, m -> m.getHeapMemoryUsage()
                        .getUsed())
                .tags(tags)
                .baseUnit("bytes")
                .description("Heap in use now, all pools (includes garbage not yet collected)")
                .register(registry));
        meters.add(Gauge.builder("heapwatch.heap.committed", memory, m -> m.getHeapMemoryUsage()
                        .getCommitted())
                .tags(tags)
                .baseUnit("bytes")
                .description("Heap committed by the JVM")
                .register(registry));
        meters.add(Gauge.builder("heapwatch.heap.max", memory, m -> m.getHeapMemoryUsage()
                        .getMax())
                .tags(tags)
                .baseUnit("bytes")
                .description("Maximum heap, or -1 when undefined")
                .register(registry));
        meters.add(FunctionCounter.builder("heapwatch.gc.collections", this, GcEventTracker::collectionCount)
                .tags(tags)
                .description("Garbage collections, all collectors")
                .register(registry));
        meters.add(FunctionCounter.builder("heapwatch.gc.collection", this, GcEventTracker::collectionSeconds)
                .tags(tags)
                .baseUnit("seconds")
                .description("Accumulated collection time, all collectors (pauses and concurrent work)")
                .register(registry));
        meters.add(Gauge.builder("heapwatch.live.heap.after.gc", this, t -> t.liveBytes)
                .tags(tags)
                .baseUnit("bytes")
                .description("Heap retained after the last GC: old generation plus survivor spaces; -1 before the"
                        + " first GC")
                .register(registry));
        meters.add(Gauge.builder("heapwatch.live.heap.max", this, t -> t.liveMaxBytes)
                .tags(tags)
                .baseUnit("bytes")
                .description("Maximum the old generation can grow to; -1 before the first GC")
                .register(registry));
        meters.add(FunctionCounter.builder("heapwatch.gc.live.set.collections", confirmedCount, AtomicLong::get)
                .tags(tags)
                .description("Collections that reclaimed long-lived space (full, major or mixed collections, ends of"
                        + " concurrent cycles): the ones whose after-GC heap is a live-set point")
                .register(registry));
        meters.add(FunctionCounter.builder("heapwatch.gc.notification.faults", notificationFaults, AtomicLong::get)
                .tags(tags)
                .description("GC notifications that could not be read or whose listener failed")
                .register(registry));
    }

    private double collectionCount() {
        return sum(GarbageCollectorMXBean::getCollectionCount);
    }

    private double collectionSeconds() {
        return sum(GarbageCollectorMXBean::getCollectionTime) / 1000.0;
    }

    /** Sums a per-collector value over all collectors, skipping the -1 of collectors that do not report it. */
    private long sum(ToLongFunction<GarbageCollectorMXBean> value) {
        long total = 0;
        for (GarbageCollectorMXBean c : collectors) {
            total += Math.max(0, value.applyAsLong(c));
        }
        return total;
    }

    /** Removes the JMX listeners and every meter this tracker registered. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
        emitters.clear();
        listeners.clear();
        for (MeterRegistry registry : registries) {
            for (Meter meter : meters) {
                registry.remove(meter);
            }
        }
        meters.clear();
        registries.clear();
    }
}
