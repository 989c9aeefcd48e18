package io.heapwatch.examples.springboot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Endpoints with known memory behaviour, to see what heapwatch reports for each. */
@RestController
@RequestMapping("/api")
public class DemoController {

    static final int MAX_LEAK_KB = 65_536;
    static final int MAX_GARBAGE_MB = 1_024;
    static final int CACHE_ENTRIES = 1_000;
    static final int CACHE_ENTRY_BYTES = 16 * 1024;

    /** Never released (until DELETE /api/leak): the deliberate leak. */
    private final List<byte[]> leaked = new ArrayList<>();

    /** Bounded: at most 1,000 entries of 16 KiB, least recently used evicted. */
    private final Map<String, byte[]> cache = new LinkedHashMap<>(CACHE_ENTRIES * 2, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    /** A normal endpoint with a path variable: every ID shares the route {@code /api/items/{id}}. */
    @GetMapping("/items/{id}")
    public Map<String, Object> item(@PathVariable("id") long id) {
        return Map.of(
                "id", id, "name", "item-" + id, "thread", Thread.currentThread().toString());
    }

    /** Retains {@code kb} KiB per call (default 64), forever. */
    @RequestMapping(
            path = "/leak",
            method = {RequestMethod.GET, RequestMethod.POST})
    public Map<String, Object> leak(@RequestParam(name = "kb", defaultValue = "64") int kb) {
        if (kb < 1 || kb > MAX_LEAK_KB) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "kb must be from 1 to " + MAX_LEAK_KB);
        }
        byte[] block = new byte[kb * 1024];
        ThreadLocalRandom.current().nextBytes(block);
        synchronized (leaked) {
            leaked.add(block);
            return Map.of("retainedKb", kb, "blocks", leaked.size(), "totalRetainedKb", totalLeakedKb());
        }
    }

    /** Releases what the leak endpoint retained. */
    @DeleteMapping("/leak")
    public Map<String, Object> clearLeak() {
        synchronized (leaked) {
            long kb = totalLeakedKb();
            leaked.clear();
            return Map.of("releasedKb", kb);
        }
    }

    private long totalLeakedKb() {
        long bytes = 0;
        for (byte[] b : leaked) {
            bytes += b.length;
        }
        return bytes / 1024;
    }

    /** Looks {@code key} up in a bounded LRU cache (1,000 entries of 16 KiB), filling it on a miss. */
    @GetMapping("/cache")
    public Map<String, Object> cache(@RequestParam("key") String key) {
        synchronized (cache) {
            boolean hit = cache.containsKey(key);
            if (!hit) {
                cache.put(key, new byte[CACHE_ENTRY_BYTES]);
            } else {
                cache.get(key);
            }
            return Map.of("key", key, "hit", hit, "entries", cache.size());
        }
    }

    /** Allocates {@code mb} MiB (default 8) of short-lived garbage and retains nothing. */
    @GetMapping("/garbage")
    public Map<String, Object> garbage(@RequestParam(name = "mb", defaultValue = "8") int mb) {
        if (mb < 1 || mb > MAX_GARBAGE_MB) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "mb must be from 1 to " + MAX_GARBAGE_MB);
        }
        long checksum = 0;
        for (int i = 0; i < mb * 16; i++) {
            byte[] chunk = new byte[64 * 1024];
            chunk[i % chunk.length] = (byte) i;
            checksum += chunk[i % chunk.length] + chunk.length;
        }
        return Map.of("allocatedMb", mb, "checksum", checksum);
    }

    /** Completes on another thread after {@code ms} milliseconds (default 50): an async request. */
    @GetMapping("/async")
    public Callable<Map<String, Object>> async(@RequestParam(name = "ms", defaultValue = "50") long ms) {
        if (ms < 0 || ms > 10_000) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "ms must be from 0 to 10000");
        }
        return () -> {
            Thread.sleep(ms);
            return Map.of("sleptMs", ms, "thread", Thread.currentThread().toString());
        };
    }
}
