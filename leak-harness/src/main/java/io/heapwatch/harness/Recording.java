package io.heapwatch.harness;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a run leaves behind for offline replays: the completed requests ({@code <container>.traffic.csv}, a header
 * line of the run's facts, the demo's launch, the number of requests that primed it and whether it ran with the
 * marking flags included, then {@code epochMillis,label} per request, the priming requests and the harness's
 * scrapes of {@code /metrics} included, the scrapes as {@code metrics}) and the demo's GC log
 * ({@code <container>.log.gc}, with the heap after each collection and wall-clock milliseconds).
 *
 * @param scenario the scenario name
 * @param run the run number
 * @param seconds the load's length
 * @param startMillis the wall-clock millis of harness second 0
 * @param facts the header's other facts (requests, failures, fill time, leak calls)
 * @param requests the completions, {@code epochMillis} and route label
 * @param gcs the collections, {@code epochMillis} at the end of the pause and used bytes after it
 */
record Recording(
        String scenario,
        int run,
        int seconds,
        long startMillis,
        Map<String, String> facts,
        List<Completion> requests,
        List<long[]> gcs) {

    record Completion(long epochMillis, String label) {}

    /** The label of the harness's own scrapes of {@code /metrics}. */
    static final String METRICS = "metrics";

    private static final Pattern HEAP_AFTER = Pattern.compile(
            "^\\[(\\d+)ms]\\[gc,heap\\s*] GC\\(\\d+\\)\\s+garbage-first heap\\s+total \\d+K, used (\\d+)K");

    static void write(
            Path file,
            RunResult result,
            long launchMillis,
            long startMillis,
            boolean marking,
            LoadGenerator load,
            List<Long> scrapes)
            throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write(String.format(
                    Locale.ROOT,
                    "# scenario=%s run=%d seconds=%d launchMillis=%d primed=%d marking=%s startMillis=%d fillSeconds=%s"
                            + " requests=%d failed=%d dropped=%d leakCalls=%d scrapeFailures=%d window=%s%n",
                    result.scenario.name(),
                    result.run,
                    result.seconds,
                    launchMillis,
                    load.primed(),
                    marking,
                    startMillis,
                    Double.toString(result.fillCompleteSeconds),
                    result.requests,
                    result.failed,
                    result.dropped,
                    result.leakCalls,
                    result.scrapeFailures,
                    Scaling.WINDOW));
            load.writeCompletions(out);
            for (long scrape : scrapes) {
                out.write(scrape + "," + METRICS + "\n");
            }
        }
    }

    /** Reads {@code traffic} and the GC log beside it ({@code <container>.log.gc}). */
    static Recording read(Path traffic) throws IOException {
        List<String> lines = Files.readAllLines(traffic);
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new IOException(traffic + ": no header line");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        for (String pair : lines.get(0).substring(2).trim().split(" ")) {
            int eq = pair.indexOf('=');
            facts.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        List<Completion> requests = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            int comma = line.indexOf(',');
            requests.add(new Completion(Long.parseLong(line.substring(0, comma)), line.substring(comma + 1)));
        }
        requests.sort((a, b) -> Long.compare(a.epochMillis(), b.epochMillis()));
        String name = traffic.getFileName().toString().replace(".traffic.csv", ".log.gc");
        List<long[]> gcs = new ArrayList<>();
        boolean after = false;
        for (String line : Files.readAllLines(traffic.resolveSibling(name))) {
            if (line.contains("Heap after GC")) {
                after = true;
                continue;
            }
            Matcher m = HEAP_AFTER.matcher(line);
            if (after && m.find()) {
                gcs.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * 1024});
                after = false;
            }
        }
        return new Recording(
                facts.get("scenario"),
                Integer.parseInt(facts.get("run")),
                Integer.parseInt(facts.get("seconds")),
                Long.parseLong(facts.get("startMillis")),
                facts,
                requests,
                gcs);
    }

    /** Whether the harness's scrapes were recorded (recordings made before they were have none). */
    boolean hasScrapes() {
        return requests.stream().anyMatch(c -> c.label().equals(METRICS));
    }

    /** Whether the demo ran with {@link DemoProcess#MARKING_FLAGS}; false when not recorded. */
    boolean marking() {
        return Boolean.parseBoolean(facts.getOrDefault("marking", "false"));
    }

    /** The requests that primed the demo before the clock started; 0 when unprimed or not recorded. */
    long primed() {
        return Long.parseLong(facts.getOrDefault("primed", "0"));
    }

    long fact(String key) {
        return Long.parseLong(facts.get(key));
    }
}
