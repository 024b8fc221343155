package org.gunyah.vmm.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** {@code struct gh_fn_irqfd_arg} and our RESAMPLE extension, byte for byte. */
class IrqfdArgTest {
    private static byte[] words(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    @Test
    void encodesFdLabelFlagsAndZeroPadding() {
        assertArrayEquals(words(5, 7, IrqfdArg.LEVEL, 0), new IrqfdArg(5, 7, IrqfdArg.LEVEL).encode());
    }

    @Test
    void withResampleTheLastWordIsTheResampleFd() throws GunyahException {
        IrqfdArg arg = new IrqfdArg(5, 7, IrqfdArg.LEVEL | IrqfdArg.RESAMPLE, 9);
        assertArrayEquals(words(5, 7, 3, 9), arg.encode());
        assertEquals(arg, IrqfdArg.decode(arg.encode()));
    }

    @Test
    void decodeReadsWhatEncodeWrote() throws GunyahException {
        for (IrqfdArg arg : new IrqfdArg[] {
            new IrqfdArg(5, 7, 0), new IrqfdArg(5, 7, IrqfdArg.LEVEL), new IrqfdArg(-1, 0, IrqfdArg.RESAMPLE, 4)
        }) {
            assertEquals(arg, IrqfdArg.decode(arg.encode()));
        }
    }

    @Test
    void withoutResampleTheLastWordIsPaddingAndIgnored() throws GunyahException {
        assertEquals(new IrqfdArg(5, 7, IrqfdArg.LEVEL), IrqfdArg.decode(words(5, 7, IrqfdArg.LEVEL, 0x1234)));
    }

    @Test
    void aResampleFdWithoutTheFlagIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new IrqfdArg(5, 7, IrqfdArg.LEVEL, 9));
    }

    @Test
    void anArgumentThatIsNot16BytesIsEinval() {
        GunyahException e = assertThrows(GunyahException.class, () -> IrqfdArg.decode(new byte[12]));
        assertEquals(Errno.EINVAL, e.errno());
    }
}
