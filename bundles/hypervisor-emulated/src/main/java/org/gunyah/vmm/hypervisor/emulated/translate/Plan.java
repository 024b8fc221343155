package org.gunyah.vmm.hypervisor.emulated.translate;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a region holds: the instructions reachable from its head through direct branches and
 * fall-through within the head's page, in runs of consecutive addresses (the order they are
 * emitted in), up to {@link #MAX_BLOCKS} runs and a given number of instructions. A run
 * ends at a branch that does not fall through, at a STOP instruction (kept, as the exit before
 * it), at the page's end, or where it meets an instruction already taken.
 */
record Plan(long head, List<Insn> order, Map<Long, Insn> byVa, int instructions) {
    static final int MAX_BLOCKS = 32;
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    record Insn(long va, int word, Kind kind) {
        /** The target of a direct branch. */
        long target() {
            long offset = switch (kind) {
                case B, BL -> (long) (word << 6 >> 6) << 2;
                case B_COND, CBZ, CBNZ -> (long) (word << 8 >> 13) << 2;
                case TBZ, TBNZ -> (long) (word << 13 >> 18) << 2;
                default -> throw new IllegalStateException(kind + " has no direct target");
            };
            return va + offset;
        }
    }

    boolean contains(long va) {
        return byVa.containsKey(va);
    }

    /**
     * The region of {@code head} in {@code page}, the 4 KiB of code at virtual {@code pageVa}; null
     * when its first instruction is not translated.
     */
    static Plan of(MemorySegment page, long pageVa, long head, int maxInstructions) {
        if (Kind.of(page.get(WORD, head - pageVa)) == Kind.STOP) {
            return null;
        }
        List<Insn> order = new ArrayList<>();
        Map<Long, Insn> byVa = new HashMap<>();
        Deque<Long> work = new ArrayDeque<>();
        work.add(head);
        int blocks = 0;
        int count = 0;
        while (!work.isEmpty() && blocks < MAX_BLOCKS && count < maxInstructions) {
            long va = work.poll();
            if (byVa.containsKey(va)) {
                continue;
            }
            blocks++;
            while (va - pageVa < 4096 && !byVa.containsKey(va) && count < maxInstructions) {
                int word = page.get(WORD, va - pageVa);
                Insn insn = new Insn(va, word, Kind.of(word));
                order.add(insn);
                byVa.put(va, insn);
                if (insn.kind() == Kind.STOP) {
                    break;
                }
                count++;
                boolean fallsThrough = switch (insn.kind()) {
                    case B, BL, INDIRECT -> false;
                    default -> true;
                };
                if (insn.kind() != Kind.STEP && insn.kind() != Kind.INDIRECT) {
                    long target = insn.target();
                    if ((target & ~0xfffL) == pageVa) {
                        work.add(target);
                    }
                }
                if (!fallsThrough) {
                    break;
                }
                va += 4;
            }
        }
        return new Plan(head, order, byVa, count);
    }
}
