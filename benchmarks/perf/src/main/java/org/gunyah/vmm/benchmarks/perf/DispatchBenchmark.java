package org.gunyah.vmm.benchmarks.perf;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.internal.io.IoHandlerTable;
import org.gunyah.vmm.spi.IoHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code dispatch}: the cost of finding the IO handler of a guest MMIO write in one VM's table
 * holding 10, 1,000 or 100,000 handlers (4-byte doorbells 8 bytes apart). The addresses looked up
 * are random among the handlers', so caches see the table's real spread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class DispatchBenchmark {
    static final long BASE = 0x1_0000_0000L;
    private static final int PROBES = 1 << 16;

    @Param({"10", "1000", "100000"})
    public int handlers;

    private final IoHandlerTable table = new IoHandlerTable();
    private long[] probes;
    private int next;

    /** A doorbell that takes the write. */
    record Doorbell(long address) implements IoHandler {
        @Override
        public int length() {
            return 4;
        }

        @Override
        public boolean datamatch() {
            return false;
        }

        @Override
        public long data() {
            return 0;
        }

        @Override
        public boolean write(long address, int length, long value) {
            return true;
        }
    }

    @Setup
    public void fill() throws GunyahException {
        for (int i = 0; i < handlers; i++) {
            table.add(new Doorbell(BASE + 8L * i));
        }
        SplittableRandom random = new SplittableRandom(42);
        probes = new long[PROBES];
        for (int i = 0; i < PROBES; i++) {
            probes[i] = BASE + 8L * random.nextInt(handlers);
        }
    }

    @Benchmark
    public boolean dispatch() {
        long address = probes[next++ & (PROBES - 1)];
        return table.write(address, 4, 1);
    }
}
