package io.heapwatch.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * A rate that changes every sub-window. The multipliers come in blocks: each block of {@code levels.length}
 * sub-windows uses every level once in a seeded random order, so the mean rate over each block is exactly the
 * base rate and the known truth stays exact.
 */
final class Variation {

    static final double[] MILD = {0.6, 0.8, 1.0, 1.2, 1.4};
    static final double[] WIDE = {0.25, 0.625, 1.0, 1.375, 1.75};

    private Variation() {}

    static DoubleUnaryOperator constant(double rate) {
        return t -> rate;
    }

    static DoubleUnaryOperator varying(double baseRate, double[] levels, long seed, int maxSeconds) {
        int subWindows = (int) Math.ceil(maxSeconds / Scaling.SUB_WINDOW_SECONDS) + levels.length;
        List<Double> sequence = new ArrayList<>(subWindows);
        Random random = new Random(seed);
        List<Double> block = new ArrayList<>();
        for (double level : levels) {
            block.add(level);
        }
        while (sequence.size() < subWindows) {
            Collections.shuffle(block, random);
            sequence.addAll(block);
        }
        double[] multipliers =
                sequence.stream().mapToDouble(Double::doubleValue).toArray();
        return t -> {
            int i = (int) Math.floor(Math.max(0, t) / Scaling.SUB_WINDOW_SECONDS);
            return baseRate * multipliers[Math.min(i, multipliers.length - 1)];
        };
    }
}
