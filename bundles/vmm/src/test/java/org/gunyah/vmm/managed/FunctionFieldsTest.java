package org.gunyah.vmm.managed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.junit.jupiter.api.Test;

class FunctionFieldsTest {
    private static FunctionFields parse(int type, String... args) throws GunyahException {
        return FunctionFields.parse(type, List.of(args));
    }

    private static Errno errno(int type, String... args) {
        return assertThrows(GunyahException.class, () -> parse(type, args)).errno();
    }

    @Test
    void aVcpuIsNamedByItsId() throws GunyahException {
        assertEquals(new VcpuArg(3).desc(), parse(FunctionType.VCPU, "id=3").desc(0));
    }

    @Test
    void anIrqfdWithoutFdAsksForAnEventFdAndUsesIt() throws GunyahException {
        FunctionFields f = parse(FunctionType.IRQFD, "level=true", "label=0x10");

        assertTrue(f.needsEventFd());
        assertEquals(new IrqfdArg(7, 16, IrqfdArg.LEVEL).desc(), f.desc(7));
    }

    @Test
    void anExplicitFdIsUsedAsGiven() throws GunyahException {
        FunctionFields f = parse(FunctionType.IRQFD, "label=1", "fd=9");

        assertFalse(f.needsEventFd());
        assertEquals(new IrqfdArg(9, 1, 0).desc(), f.desc(7));
    }

    @Test
    void anIoeventfdWithDatamatchSetsTheFlag() throws GunyahException {
        assertEquals(
                IoeventfdArg.matching(0x9000000, 4, 7, 5).desc(),
                parse(FunctionType.IOEVENTFD, "addr=0x9000000", "len=4", "datamatch=7")
                        .desc(5));
        assertEquals(
                IoeventfdArg.of(0x9000000, 8, 5).desc(),
                parse(FunctionType.IOEVENTFD, "addr=0x9000000", "len=8").desc(5));
    }

    @Test
    void otherTypesTakeTheirRawArgumentInHex() throws GunyahException {
        FunctionDesc d = parse(0x100, "arg=0x0102ff").desc(0);

        assertEquals(0x100, d.type());
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, d.arg());
        assertEquals(0, parse(0x100).desc(0).argSize());
    }

    @Test
    void aMissingRequiredFieldIsEinval() {
        assertEquals(Errno.EINVAL, errno(FunctionType.VCPU));
        assertEquals(Errno.EINVAL, errno(FunctionType.IOEVENTFD, "addr=0x1000"));
    }

    @Test
    void anUnknownFieldIsEinval() {
        assertEquals(Errno.EINVAL, errno(FunctionType.VCPU, "id=0", "colour=red"));
    }

    @Test
    void aRepeatedFieldIsEinval() {
        assertEquals(Errno.EINVAL, errno(FunctionType.VCPU, "id=0", "id=1"));
    }

    @Test
    void aWordWithoutEqualsIsEinval() {
        assertEquals(Errno.EINVAL, errno(FunctionType.VCPU, "0"));
        assertEquals(Errno.EINVAL, errno(FunctionType.VCPU, "=0"));
    }

    @Test
    void badValuesAreEinval() {
        assertEquals(Errno.EINVAL, errno(FunctionType.IRQFD, "label=1", "level=maybe"));
        assertEquals(Errno.EINVAL, errno(FunctionType.IRQFD, "label=-1"));
        assertEquals(Errno.EINVAL, errno(0x100, "arg=xyz"));
    }

    @Test
    void describeRepeatsTheFieldsAsTyped() throws GunyahException {
        assertEquals(
                "irqfd label=3 level=true",
                parse(FunctionType.IRQFD, "label=3", "level=true").describe());
    }
}
