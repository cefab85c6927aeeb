package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.schema.Example;
import dev.eddy.serde.AvroSerdes;
import dev.eddy.state.ModelStatus;
import dev.eddy.topology.DeadLetters;
import dev.eddy.topology.TrainingListener;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed input on the real training topology (issue 8, "Malformed input"): at least 10,000 bad records of every
 * kind the validation knows — random bytes, truncated Avro, a foreign schema fingerprint, Avro headers claiming
 * gigantic strings and arrays, wrong feature counts, NaN/Inf features, huge feature arrays, missing, ambiguous,
 * negative and out-of-range labels, unknown models, bad weights (negative, NaN, infinite), null values — shuffled among good examples
 * (some with null keys). Every bad record reaches the dead-letter topic, in order, with its original bytes, the
 * expected reason and its source offset; every good one reaches the trainer and is trained on; the driver never
 * throws; the heap after the run is within a bound of the heap before it.
 *
 * <p>{@code -Dfuzz.bad=N} (default 12,000) bad records, {@code -Dfuzz.seed=S} repeats a run.
 */
class MalformedInputFuzzTest {

    private static final String MODEL = "m";
    private static final int FEATURES = 4;
    private static final int CLASSES = 3;
    private static final int BATCH = 8;
    private static final int BAD = Integer.getInteger("fuzz.bad", 12_000);
    private static final int GOOD = BAD / 4;
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    /** Heap growth allowed over the run (after a GC at both ends): the stores hold a few KB, the rest is garbage. */
    private static final long HEAP_BOUND = 64L << 20;

    @TempDir
    Path dir;

    /** One input record and what must become of it: a reason code, or null for a good example. */
    private record Case(String kind, byte[] key, byte[] value, String reason) {}

    @Test
    void everyBadRecordIsADeadLetterWithItsReasonAndEveryGoodOneIsTrainedOn() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Case> cases = new ArrayList<>(BAD + GOOD);
        for (int i = 0; i < BAD; i++) {
            cases.add(bad(random, i));
        }
        for (int i = 0; i < GOOD; i++) {
            Example e = good(random, "good-" + i);
            byte[] key = random.nextInt(3) == 0 ? null : e.getId().getBytes(StandardCharsets.UTF_8);
            cases.add(new Case("good", key, DriverRun.encode(e), null));
        }
        Collections.shuffle(cases, new java.util.Random(SEED));

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Map<String, Integer> injected = new TreeMap<>();
        Map<String, Integer> deadByReason = new TreeMap<>();
        long heapBefore;
        long heapAfter;
        int good = 0;
        try (DriverRun run = new DriverRun(settings(), dir, TrainingListener.NONE)) {
            run.examples.pipeInput(DriverRun.encode(good(random, "warm-up")));
            good++;
            heapBefore = usedHeapAfterGc(memory);
            ArrayDeque<Case> expectedDead = new ArrayDeque<>();
            long offset = 1;
            Map<Long, Case> byOffset = new HashMap<>();
            for (Case c : cases) {
                injected.merge(c.kind(), 1, Integer::sum);
                run.examples.pipeInput(c.key(), c.value());
                if (c.reason() == null) {
                    good++;
                } else {
                    expectedDead.add(c);
                    byOffset.put(offset, c);
                }
                offset++;
                // Read the dead letters as they come so that the driver's output queue stays small.
                for (TestRecord<byte[], byte[]> r : run.deadLetters.readRecordsToList()) {
                    Case expected = expectedDead.poll();
                    assertThat(expected).as("a dead letter nobody expected").isNotNull();
                    String reason = header(r, DeadLetters.REASON);
                    deadByReason.merge(reason, 1, Integer::sum);
                    assertThat(reason)
                            .as("reason of a %s record", expected.kind())
                            .isEqualTo(expected.reason());
                    assertThat(header(r, DeadLetters.DETAIL)).isNotBlank();
                    assertThat(header(r, DeadLetters.TOPIC))
                            .isEqualTo(run.config.topics().examples());
                    assertThat(byOffset.remove(Long.parseLong(header(r, DeadLetters.OFFSET))))
                            .as("the source offset names this record")
                            .isSameAs(expected);
                    assertThat(Arrays.equals(r.value(), expected.value()))
                            .as("original bytes of a %s record", expected.kind())
                            .isTrue();
                    assertThat(Arrays.equals(r.key(), expected.key())).isTrue();
                }
            }
            assertThat(expectedDead)
                    .as("bad records that did not reach the DLQ")
                    .isEmpty();
            heapAfter = usedHeapAfterGc(memory);

            ModelStatus status = run.status(MODEL);
            assertThat(run.trainExamples + run.holdoutExamples)
                    .as("good examples reaching the trainer")
                    .isEqualTo(good);
            assertThat(status.examplesTrained() + run.trainExamples % BATCH)
                    .as("training examples passed to the optimizer, plus the partial batch")
                    .isEqualTo(run.trainExamples);
            assertThat(status.holdoutReceived()).isEqualTo(run.holdoutExamples);
            assertThat(status.steps()).isEqualTo(run.trainExamples / BATCH);
            assertThat(status.paused()).isFalse();
            assertThat(run.deadLetterCounts.values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .as("listener dead-letter count (the eddy.dlq.records counter)")
                    .isEqualTo(BAD);
        }
        System.out.printf(
                "malformed-input fuzz: -Dfuzz.seed=%d, %d bad + %d good records; injected %s; dead letters by reason"
                        + " %s; heap %d MB -> %d MB%n",
                SEED, BAD, good, injected, deadByReason, heapBefore >> 20, heapAfter >> 20);
        assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(HEAP_BOUND);
    }

    /**
     * Poison pills against the decoder: a 30-byte record claiming a string or an array of 2^30 items. Avro trusts
     * claimed lengths unless bounded (AvroSerde sets Avro's limits); unbounded, the {@code OutOfMemoryError} passed
     * every {@code catch} and killed the stream thread, which was replaced and met the same record again.
     */
    @Test
    void claimedHugeLengthsAreDeadLettersNotOutOfMemory() {
        try (DriverRun run = new DriverRun(settings(), dir, TrainingListener.NONE)) {
            List<byte[]> crafted = List.of(
                    claimedHuge("a", false, false), claimedHuge("b", true, false), claimedHuge("c", true, true));
            for (byte[] value : crafted) {
                run.examples.pipeInput(value);
            }
            assertThat(run.deadLetters.readRecordsToList())
                    .extracting(r -> header(r, DeadLetters.REASON))
                    .containsExactly("undecodable", "undecodable", "undecodable");
        }
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", "fuzz");
        s.put("holdout.fraction", "0.2");
        s.put("holdout.buffer-size", "64");
        s.put("snapshot-every", "50");
        s.put("model." + MODEL + ".input-size", Integer.toString(FEATURES));
        s.put("model." + MODEL + ".layers", CLASSES + ":softmax");
        s.put("model." + MODEL + ".optimizer", "sgd");
        s.put("model." + MODEL + ".learning-rate", "0.05");
        s.put("model." + MODEL + ".batch-size", Integer.toString(BATCH));
        s.put("model." + MODEL + ".eval-every", "25");
        s.put("model." + MODEL + ".early-stopping.enabled", "false");
        return s;
    }

    private static Example good(SplittableRandom random, String id) {
        List<Double> x = new ArrayList<>(FEATURES);
        for (int j = 0; j < FEATURES; j++) {
            x.add(random.nextGaussian());
        }
        return example(id, MODEL, x, random.nextInt(CLASSES), null, null);
    }

    private static Example example(String id, String model, List<Double> x, Integer k, Double y, Double w) {
        return Example.newBuilder()
                .setId(id)
                .setModelId(model)
                .setFeatures(x)
                .setClassLabel(k)
                .setTarget(y)
                .setEventTime(Instant.ofEpochMilli(0))
                .setWeight(w)
                .build();
    }

    /** A malformed record of a random kind. */
    private static Case bad(SplittableRandom random, int i) {
        String id = "bad-" + i;
        Example valid = good(random, id);
        byte[] key = random.nextBoolean() ? null : id.getBytes(StandardCharsets.UTF_8);
        int kind = random.nextInt(15);
        switch (kind) {
            case 0 -> {
                byte[] b = new byte[1 + random.nextInt(200)];
                random.nextBytes(b);
                b[0] = (byte) 0x7f; // not the single-object marker C3
                return new Case("random-bytes", key, b, "undecodable");
            }
            case 1 -> {
                byte[] full = DriverRun.encode(valid);
                return new Case("truncated-avro", key, Arrays.copyOf(full, random.nextInt(full.length)), "undecodable");
            }
            case 2 -> {
                byte[] b = DriverRun.encode(valid);
                for (int j = 2; j < 10; j++) {
                    b[j] ^= (byte) (1 + random.nextInt(255));
                }
                return new Case("wrong-fingerprint", key, b, "undecodable");
            }
            case 3 -> {
                return new Case("claimed-huge-array", key, claimedHuge(id, true, random.nextBoolean()), "undecodable");
            }
            case 4 -> {
                return new Case("claimed-huge-string", key, claimedHuge(id, false, false), "undecodable");
            }
            case 5 -> {
                int n = random.nextBoolean() ? random.nextInt(FEATURES) : FEATURES + 1 + random.nextInt(50);
                if (i % 500 == 0) {
                    n = 100_000; // a real huge array: 800 KB of features
                }
                List<Double> x = new ArrayList<>(Collections.nCopies(n, 0.5));
                return new Case(
                        n >= 100_000 ? "huge-array" : "wrong-feature-count",
                        key,
                        DriverRun.encode(example(id, MODEL, x, 0, null, null)),
                        "wrong-feature-count");
            }
            case 6 -> {
                List<Double> x = new ArrayList<>(valid.getFeatures());
                double[] nonFinite = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                x.set(random.nextInt(FEATURES), nonFinite[random.nextInt(3)]);
                return new Case(
                        "non-finite-feature",
                        key,
                        DriverRun.encode(example(id, MODEL, x, 0, null, null)),
                        "non-finite-feature");
            }
            case 7 -> {
                int[] labels = {-1, -1_000, CLASSES, CLASSES + 7, Integer.MAX_VALUE, Integer.MIN_VALUE};
                int k = labels[random.nextInt(labels.length)];
                return new Case(
                        "label-out-of-range",
                        key,
                        DriverRun.encode(example(id, MODEL, valid.getFeatures(), k, null, null)),
                        "label-out-of-range");
            }
            case 8 -> {
                return new Case(
                        "missing-label",
                        key,
                        DriverRun.encode(example(id, MODEL, valid.getFeatures(), null, null, null)),
                        "missing-label");
            }
            case 9 -> {
                return new Case(
                        "ambiguous-label",
                        key,
                        DriverRun.encode(example(id, MODEL, valid.getFeatures(), 1, 0.5, null)),
                        "ambiguous-label");
            }
            case 10 -> {
                return new Case(
                        "unknown-model",
                        key,
                        DriverRun.encode(example(id, "nobody", valid.getFeatures(), 1, null, null)),
                        "unknown-model");
            }
            case 11 -> {
                double[] weights = {-1.0, -1e-300, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                return new Case(
                        "bad-weight",
                        key,
                        DriverRun.encode(example(id, MODEL, valid.getFeatures(), 1, null, weights[random.nextInt(5)])),
                        "bad-weight");
            }
            case 12 -> {
                return new Case("null-value", key, null, "null-value");
            }
            case 13 -> {
                return new Case("empty-value", key, new byte[0], "undecodable");
            }
            default -> {
                // A target on a classification model with no class: the label is missing.
                return new Case(
                        "regression-label-on-classifier",
                        key,
                        DriverRun.encode(example(id, MODEL, valid.getFeatures(), null, Double.NaN, null)),
                        "missing-label");
            }
        }
    }

    /**
     * A single-object message with the right header whose body claims a string or an array of about a billion
     * items and then ends: a decoder that trusts the claim allocates gigabytes.
     */
    private static byte[] claimedHuge(String id, boolean array, boolean negativeBlock) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fp = AvroSerdes.examples().fingerprint();
        for (int j = 0; j < 8; j++) {
            out.write((int) (fp >>> (8 * j)));
        }
        long huge = 1L << 30;
        if (array) {
            byte[] s = id.getBytes(StandardCharsets.UTF_8);
            zigzag(out, s.length);
            out.writeBytes(s);
            zigzag(out, 0); // modelId: null branch
            if (negativeBlock) {
                zigzag(out, -huge); // a negative count is followed by the block's size in bytes
                zigzag(out, 8 * huge);
            } else {
                zigzag(out, huge);
            }
            out.writeBytes(new byte[16]);
        } else {
            zigzag(out, huge);
            out.writeBytes(new byte[16]);
        }
        return out.toByteArray();
    }

    /** Avro's long encoding: zig-zag, then little-endian groups of 7 bits. */
    private static void zigzag(ByteArrayOutputStream out, long n) {
        long v = (n << 1) ^ (n >> 63);
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
