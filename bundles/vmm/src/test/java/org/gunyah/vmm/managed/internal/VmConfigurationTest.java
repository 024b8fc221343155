package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.managed.VmSpec;
import org.junit.jupiter.api.Test;

/** The typed configuration DS gives {@link DeclaredVm}, read into a {@link VmDeclaration}. */
class VmConfigurationTest {
    private static final Path HOME = Path.of("/opt/gunyah");

    /** As DS makes it: the configured values, the annotation's defaults for the rest. */
    private static VmConfiguration config(Map<String, Object> values) {
        return (VmConfiguration) Proxy.newProxyInstance(
                VmConfiguration.class.getClassLoader(),
                new Class<?>[] {VmConfiguration.class},
                (proxy, method, args) ->
                        values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private static VmDeclaration read(Map<String, Object> values) throws GunyahException {
        return VmDeclaration.read(DeclaredVm.source(config(values)), HOME);
    }

    @Test
    void theDefaultsAreOneVcpuSixteenMebibytesTheConsoleAndTheExitRegister() throws GunyahException {
        VmDeclaration d = read(Map.of("name", "demo"));

        assertEquals(1, d.vcpus());
        assertEquals(VmSpec.DEFAULT_MEMORY, d.spec().memorySize());
        assertEquals(Optional.empty(), d.spec().image());
        assertEquals(Optional.empty(), d.spec().hypervisor());
        assertEquals(
                Set.of(Devices.Model.CONSOLE, Devices.Model.EXIT_REGISTER),
                d.spec().devices());
    }

    @Test
    void aCfgFilesCommaSeparatedListIsReadAsItsEntries() throws GunyahException {
        VmDeclaration d = read(Map.of(
                "name", "demo", "irqfds", new String[] {"label=1, label=2 level=true"}, "ioeventfds", new String[] {
                    "addr=0x0a000000 len=4 irq=1", "addr=0x0a000008 len=8 datamatch=7"
                }));

        assertEquals(2, d.irqfds().size());
        assertEquals(
                List.of(Optional.of(1), Optional.empty()),
                d.ioeventfds().stream().map(VmDeclaration.Doorbell::irq).toList());
    }

    @Test
    void anEmptyDevicesListMeansNoDeviceModel() throws GunyahException {
        assertEquals(
                Set.of(),
                read(Map.of("name", "mute", "devices", new String[] {""}))
                        .spec()
                        .devices());
    }

    @Test
    void aMissingNameIsEinval() {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> read(Map.of())).errno());
    }

    @Test
    void aMalformedNumberIsEinvalRatherThanADefault() {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> read(Map.of("name", "a", "vcpus", "two")))
                        .errno());
    }

    @Test
    void aMisspeltPropertyNameIsEinval() {
        assertEquals(
                Errno.EINVAL,
                assertThrows(
                                GunyahException.class,
                                () -> VmDeclaration.requireKnown(List.of("name", "cpus", "service.pid")))
                        .errno());
    }
}
