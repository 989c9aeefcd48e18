package io.heapwatch.examples.jetty;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** The demo's four behaviours (normal, leak, bounded cache, garbage) and an async one. */
final class DemoServlets {

    private DemoServlets() {}

    static int intParam(HttpServletRequest req, String name, int fallback, int max) {
        String v = req.getParameter(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Math.max(0, Math.min(max, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static void json(HttpServletResponse resp, String body) throws IOException {
        resp.setContentType("application/json");
        resp.getWriter().write(body);
    }

    /** {@code GET /api/items/{id}}: a normal endpoint with a path variable. */
    static final class ItemsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String id = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            if (id.isEmpty() || id.contains("/")) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            json(resp, "{\"id\":\"" + id.replaceAll("[^A-Za-z0-9_-]", "") + "\",\"name\":\"item\"}");
        }
    }

    /** {@code POST|GET /api/leak?kb=N}: retains N KiB (default 64) per call, forever. */
    static final class LeakServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient List<byte[]> retained = new CopyOnWriteArrayList<>();
        private final AtomicLong retainedBytes = new AtomicLong();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            int kb = intParam(req, "kb", 64, 64 * 1024);
            byte[] chunk = new byte[kb * 1024];
            ThreadLocalRandom.current().nextBytes(chunk);
            retained.add(chunk);
            json(resp, "{\"retainedBytes\":" + retainedBytes.addAndGet(chunk.length) + "}");
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            doGet(req, resp);
        }
    }

    /**
     * {@code GET /api/cache?key=K}: a bounded LRU cache of 16 KiB entries, 1,000 of them unless
     * {@code DEMO_CACHE_ENTRIES} says otherwise.
     */
    static final class CacheServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        static final int DEFAULT_CAPACITY = 1000;
        private final transient Map<String, byte[]> cache;

        CacheServlet(int capacity) {
            this.cache = new LinkedHashMap<>(capacity, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                    return size() > capacity;
                }
            };
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String key = req.getParameter("key");
            if (key == null) {
                key = Integer.toString(ThreadLocalRandom.current().nextInt(100_000));
            }
            int size;
            boolean hit;
            synchronized (cache) {
                hit = cache.containsKey(key);
                if (!hit) {
                    cache.put(key, new byte[16 * 1024]);
                }
                size = cache.size();
            }
            json(resp, "{\"hit\":" + hit + ",\"entries\":" + size + "}");
        }
    }

    /** {@code GET /api/garbage?mb=N}: allocates N MiB (default 8) in small chunks and keeps none of it. */
    static final class GarbageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            int mb = intParam(req, "mb", 8, 512);
            long checksum = 0;
            for (int i = 0; i < mb * 128; i++) {
                byte[] b = new byte[8 * 1024];
                b[i % b.length] = (byte) i;
                checksum += b[i % b.length];
            }
            json(resp, "{\"allocatedMiB\":" + mb + ",\"checksum\":" + checksum + "}");
        }
    }

    /** {@code GET /api/async?ms=N}: completes on another thread after N ms (default 10). */
    static final class AsyncServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            int ms = intParam(req, "ms", 10, 5000);
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    Thread.sleep(ms);
                    json((HttpServletResponse) async.getResponse(), "{\"async\":true}");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    async.complete();
                }
            });
        }
    }
}
