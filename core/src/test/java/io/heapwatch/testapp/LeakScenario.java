package io.heapwatch.testapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Leaks whose type and allocating method are known, each behind its own route, plus routes that allocate without
 * leaking. {@link #expectedTypes} holds the leaking type and its holders; {@link #leakingMethod} the method that
 * allocates what leaks.
 */
public enum LeakScenario {
    /** The demo's leak: a listener list that keeps a request-sized buffer per request. */
    LISTENER_BUFFERS(
            "/leak/listeners",
            Set.of("byte[]", Listeners.BufferListener.class.getName()),
            Listeners.class.getName() + ".register",
            true) {
        @Override
        void handle(long request) {
            Listeners.register(request);
        }

        @Override
        void reset() {
            Listeners.clear();
        }
    },
    /** A map that keeps a small session object per request. */
    SMALL_ENTRIES_MAP(
            "/leak/sessions",
            Set.of(Sessions.Session.class.getName(), "java.util.HashMap$Node", "java.util.HashMap$Node[]"),
            Sessions.class.getName() + ".remember",
            true) {
        @Override
        void handle(long request) {
            Sessions.remember(request);
        }

        @Override
        void reset() {
            Sessions.clear();
        }
    },
    /** Per-request audit state kept in a ThreadLocal of the container's pooled threads. */
    THREAD_LOCAL_STATE(
            "/leak/audit",
            Set.of(Audit.Entry.class.getName(), "char[]", "java.lang.Object[]"),
            Audit.class.getName() + ".record",
            false) {
        @Override
        void handle(long request) {
            Audit.record(request);
        }

        @Override
        void reset() {
            Audit.clear();
        }
    },
    /** A cache of rendered pages keyed by something unique per request, never evicted. */
    UNBOUNDED_CACHE(
            "/leak/render",
            Set.of("byte[]", "java.lang.String", "java.util.concurrent.ConcurrentHashMap$Node"),
            PageCache.class.getName() + ".render",
            false) {
        @Override
        void handle(long request) {
            PageCache.page(request);
        }

        @Override
        void reset() {
            PageCache.clear();
        }
    },
    /** A set that remembers every request id it has seen (added last: never looked at before the published run). */
    SEEN_IDS(
            "/leak/seen",
            Set.of(
                    "java.lang.String",
                    "byte[]",
                    "java.util.concurrent.ConcurrentHashMap$Node",
                    "java.util.concurrent.ConcurrentHashMap$Node[]"),
            Dedup.class.getName() + ".remember",
            false) {
        @Override
        void handle(long request) {
            Dedup.remember(request);
        }

        @Override
        void reset() {
            Dedup.clear();
        }
    },
    /** A request log queue that nothing drains. */
    UNDRAINED_LOG(
            "/leak/log",
            Set.of(
                    RequestLog.Line.class.getName(),
                    "java.lang.String",
                    "byte[]",
                    "java.util.concurrent.ConcurrentLinkedQueue$Node"),
            RequestLog.class.getName() + ".append",
            false) {
        @Override
        void handle(long request) {
            RequestLog.append(request);
        }

        @Override
        void reset() {
            RequestLog.clear();
        }
    },
    /**
     * A list that keeps 32 boxed ids per request. Added after the histogram ranking was built, so never looked at
     * while designing anything; run only with {@code -Dheapwatch.diagnosis.extraScenarios=true}.
     */
    BOXED_IDS(
            "/leak/ids",
            Set.of("java.lang.Long", "java.lang.Object[]"),
            Ids.class.getName() + ".remember",
            false,
            true) {
        @Override
        void handle(long request) {
            Ids.remember(request);
        }

        @Override
        void reset() {
            Ids.clear();
        }
    },
    /**
     * An order history that keeps 24 small line records per request in a list. Written before allocation sites
     * were added to the ranking and strictly held out for them; run only with extra scenarios.
     */
    ORDER_LINES(
            "/leak/orders",
            Set.of(Orders.OrderLine.class.getName(), "java.lang.Object[]"),
            Orders.class.getName() + ".add",
            false,
            true) {
        @Override
        void handle(long request) {
            Orders.add(request);
        }

        @Override
        void reset() {
            Orders.clear();
        }
    },
    /**
     * A meter registry keyed by a request-unique tag: a small tag record of two strings and a counter per request,
     * the high-cardinality leak of metrics code. Written before allocation sites were added to the ranking and
     * strictly held out for them; run only with extra scenarios.
     */
    UNIQUE_TAGS(
            "/leak/tags",
            Set.of(
                    TagCounters.Tag.class.getName(),
                    "java.util.concurrent.atomic.AtomicLong",
                    "java.lang.String",
                    "byte[]",
                    "java.util.concurrent.ConcurrentHashMap$Node",
                    "java.util.concurrent.ConcurrentHashMap$Node[]"),
            TagCounters.class.getName() + ".increment",
            false,
            true) {
        @Override
        void handle(long request) {
            TagCounters.increment(request);
        }

        @Override
        void reset() {
            TagCounters.clear();
        }
    },
    /**
     * An event bus that keeps every subscriber registered per request: a callback capturing a 1 KiB context array.
     * Written before the default evidence's age rule was evaluated without its youngest quarter, and strictly held
     * out for that decision; run only with extra scenarios.
     */
    CALLBACK_REGISTRY(
            "/leak/callbacks",
            Set.of(Callbacks.Subscriber.class.getName(), "byte[]", "java.lang.Object[]"),
            Callbacks.class.getName() + ".subscribe",
            false,
            true) {
        @Override
        void handle(long request) {
            Callbacks.subscribe(request);
        }

        @Override
        void reset() {
            Callbacks.clear();
        }
    },
    /**
     * An audit trail that keeps 8 small event records per request, each with a short description string. Written
     * with {@link #CALLBACK_REGISTRY} and held out like it; run only with extra scenarios.
     */
    EVENT_HISTORY(
            "/leak/events",
            Set.of(History.Event.class.getName(), "java.lang.String", "byte[]", "java.lang.Object[]"),
            History.class.getName() + ".record",
            false,
            true) {
        @Override
        void handle(long request) {
            History.record(request);
        }

        @Override
        void reset() {
            History.clear();
        }
    };

    final String path;
    final Set<String> expectedTypes;
    final String leakingMethod;
    /** Whether the scenario was used while building the ranking (the others are for evaluation only). */
    final boolean tuning;
    /** Whether it was added after the histogram ranking was built (and runs only when asked for). */
    final boolean extra;

    LeakScenario(String path, Set<String> expectedTypes, String leakingMethod, boolean tuning) {
        this(path, expectedTypes, leakingMethod, tuning, false);
    }

    LeakScenario(String path, Set<String> expectedTypes, String leakingMethod, boolean tuning, boolean extra) {
        this.path = path;
        this.expectedTypes = expectedTypes;
        this.leakingMethod = leakingMethod;
        this.tuning = tuning;
        this.extra = extra;
    }

    abstract void handle(long request);

    /**
     * Whether a ranked type names this leak: the leaking type or a holder, allocated (by its application frame) in
     * the leaking code's class. A {@code byte[]} allocated by another route does not count.
     */
    boolean names(io.heapwatch.diagnosis.LeakingType type) {
        String leakingClass = leakingMethod.substring(0, leakingMethod.lastIndexOf('.'));
        return expectedTypes.contains(type.type()) && type.applicationFrame().startsWith(leakingClass + ".");
    }

    abstract void reset();

    /** Serves one scenario's leak. */
    static final class LeakServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient LeakScenario scenario;
        private final AtomicLong requests = new AtomicLong();

        LeakServlet(LeakScenario scenario) {
            this.scenario = scenario;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            scenario.handle(requests.incrementAndGet());
            resp.getWriter().write("ok");
        }
    }

    /** Allocates garbage and churns a bounded cache: survivors that are not a leak. */
    static final class BusyServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final Map<Long, byte[]> RECENT = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > 200;
            }
        };
        private final AtomicLong requests = new AtomicLong();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            long n = requests.incrementAndGet();
            byte[] scratch = new byte[48 * 1024];
            scratch[(int) (n % scratch.length)] = 1;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                sb.append("row ").append(i).append(' ').append(n);
            }
            synchronized (RECENT) {
                RECENT.put(n, new byte[4096]);
            }
            resp.getWriter().write(sb.length() + scratch[0] > 0 ? "ok" : "ko");
        }

        static void clear() {
            synchronized (RECENT) {
                RECENT.clear();
            }
        }
    }

    static final class Listeners {
        static final List<BufferListener> LISTENERS = new ArrayList<>();

        record BufferListener(long request, byte[] buffer) {}

        static void register(long request) {
            byte[] buffer = new byte[16 * 1024];
            synchronized (LISTENERS) {
                LISTENERS.add(new BufferListener(request, buffer));
            }
        }

        static void clear() {
            synchronized (LISTENERS) {
                LISTENERS.clear();
            }
        }
    }

    static final class Sessions {
        static final Map<Long, Session> SESSIONS = new HashMap<>();

        /** A small session: 7 longs; 64 of them per request. */
        record Session(long id, long created, long lastSeen, long hits, long flags, long userId, long tenant) {}

        static void remember(long request) {
            for (int i = 0; i < 64; i++) {
                long id = request * 64 + i;
                Session s = new Session(id, request, request, 1, i, id * 31, 7);
                synchronized (SESSIONS) {
                    SESSIONS.put(id, s);
                }
            }
        }

        static void clear() {
            synchronized (SESSIONS) {
                SESSIONS.clear();
            }
        }
    }

    static final class Audit {
        static final Set<List<Entry>> ALL = ConcurrentHashMap.newKeySet();
        static final ThreadLocal<List<Entry>> STATE = ThreadLocal.withInitial(() -> {
            List<Entry> list = new ArrayList<>();
            ALL.add(list);
            return list;
        });

        record Entry(long request, char[] note) {}

        static void record(long request) {
            char[] note = new char[1024];
            note[0] = (char) request;
            STATE.get().add(new Entry(request, note));
        }

        static void clear() {
            for (List<Entry> l : ALL) {
                synchronized (l) {
                    l.clear();
                }
            }
        }
    }

    static final class Dedup {
        static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

        static void remember(long request) {
            for (int i = 0; i < 16; i++) {
                SEEN.add("req-" + request + "-" + i + "-" + Long.toHexString(System.nanoTime()));
            }
        }

        static void clear() {
            SEEN.clear();
        }
    }

    static final class RequestLog {
        static final java.util.Queue<Line> LINES = new java.util.concurrent.ConcurrentLinkedQueue<>();

        record Line(long request, long nanos, String text) {}

        static void append(long request) {
            for (int i = 0; i < 4; i++) {
                LINES.add(new Line(request, System.nanoTime(), "request " + request + " step " + i + " ".repeat(400)));
            }
        }

        static void clear() {
            LINES.clear();
        }
    }

    static final class Ids {
        static final List<Long> IDS = new ArrayList<>();

        static void remember(long request) {
            for (int i = 0; i < 32; i++) {
                Long id = 1_000_000L + request * 32 + i;
                synchronized (IDS) {
                    IDS.add(id);
                }
            }
        }

        static void clear() {
            synchronized (IDS) {
                IDS.clear();
            }
        }
    }

    static final class Orders {
        static final List<OrderLine> LINES = new ArrayList<>();

        /** A small order line: an id, a quantity and a price in cents. */
        record OrderLine(long order, int line, int quantity, long cents) {}

        static void add(long request) {
            for (int i = 0; i < 24; i++) {
                OrderLine l = new OrderLine(request, i, 1 + i % 3, 199L * (i + 1));
                synchronized (LINES) {
                    LINES.add(l);
                }
            }
        }

        static void clear() {
            synchronized (LINES) {
                LINES.clear();
            }
        }
    }

    static final class TagCounters {
        static final Map<Tag, java.util.concurrent.atomic.AtomicLong> COUNTERS = new ConcurrentHashMap<>();

        /** A metric tag: a key and a value, here unique per request. */
        record Tag(String key, String value) {}

        static void increment(long request) {
            Tag tag = new Tag("client", "c-" + Long.toHexString(request * 2654435761L));
            COUNTERS.computeIfAbsent(tag, t -> new java.util.concurrent.atomic.AtomicLong())
                    .incrementAndGet();
        }

        static void clear() {
            COUNTERS.clear();
        }
    }

    static final class Callbacks {
        static final List<Subscriber> SUBSCRIBERS = new ArrayList<>();

        /** A subscriber that keeps its request's context. */
        record Subscriber(long request, byte[] context) {}

        static void subscribe(long request) {
            byte[] context = new byte[1024];
            context[(int) (request % context.length)] = 1;
            Subscriber s = new Subscriber(request, context);
            synchronized (SUBSCRIBERS) {
                SUBSCRIBERS.add(s);
            }
        }

        static void clear() {
            synchronized (SUBSCRIBERS) {
                SUBSCRIBERS.clear();
            }
        }
    }

    static final class History {
        static final List<Event> EVENTS = new ArrayList<>();

        /** An audit event: when, what and for which request. */
        record Event(long request, long at, String what) {}

        static void record(long request) {
            for (int i = 0; i < 8; i++) {
                Event e = new Event(request, request * 8 + i, "step " + i + " of " + request);
                synchronized (EVENTS) {
                    EVENTS.add(e);
                }
            }
        }

        static void clear() {
            synchronized (EVENTS) {
                EVENTS.clear();
            }
        }
    }

    static final class PageCache {
        static final Map<String, String> CACHE = new ConcurrentHashMap<>();

        static String page(long request) {
            return CACHE.computeIfAbsent("page-" + request, PageCache::render);
        }

        static String render(String key) {
            StringBuilder sb = new StringBuilder(256);
            while (sb.length() < 6000) {
                sb.append("<p>").append(key).append("</p>");
            }
            return sb.toString();
        }

        static void clear() {
            CACHE.clear();
        }
    }
}
