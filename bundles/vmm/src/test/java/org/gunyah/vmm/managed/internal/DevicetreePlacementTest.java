package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DevicetreePlacementTest {
    private static final long RAM = 0x4000_0000L;
    private static final long MIB = 1 << 20;

    @Test
    void aSmallDevicetreeTakesTheLastPageOfRam() {
        assertEquals(16 * MIB - 4096, DevicetreePlacement.offset(RAM, 16 * MIB, 3000));
    }

    @Test
    void aDevicetreeThatWouldCrossA2MibBoundaryEndsJustBelowIt() {
        long size = 16 * MIB + 4096; // the last page-aligned place straddles RAM + 16 MiB
        long offset = DevicetreePlacement.offset(RAM, size, 6000);

        assertEquals(16 * MIB - 6000 & -8L, offset);
        assertEquals(0, offset % 8);
    }

    @Test
    void itNeverCrossesA2MibBoundaryForAnySizeUpTo2Mib() {
        for (long length = 8; length <= 2 * MIB; length = length * 3 + 5) {
            for (long ram : new long[] {4 * MIB, 4 * MIB + 4096, 5 * MIB - 8192}) {
                long start = RAM + DevicetreePlacement.offset(RAM, ram, length);
                assertEquals(start >>> 21, (start + length - 1) >>> 21, "length " + length + ", RAM " + ram);
                assertEquals(0, start % 8);
            }
        }
    }
}
