package org.gunyah.vmm.managed.internal;

import java.util.Arrays;
import java.util.Comparator;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.MmioDevice;

/**
 * A VM's MMIO bus: windows of guest physical addresses, each one device's registers. The
 * built-in models (console register, exit register, PL011) and the devices of device bundles are
 * put on it the same way, and the exit router asks it for the window of each MMIO exit no
 * function took. Windows change rarely (a device added or removed) and are looked up on every
 * exit, from any vCPU thread: the window list is copied on write and read without a lock.
 */
final class DeviceBus {
    /** A device's registers at [{@code base}, {@code base + size}); {@code name} for messages. */
    record Window(String name, long base, long size, MmioDevice device) {
        boolean covers(long address) {
            return Long.compareUnsigned(address - base, size) < 0;
        }

        boolean overlaps(Window w) {
            return Long.compareUnsigned(w.base - base, size) < 0 || Long.compareUnsigned(base - w.base, w.size) < 0;
        }
    }

    private volatile Window[] windows = new Window[0];

    /** Puts {@code w} on the bus; EEXIST when it overlaps a window there, naming both. */
    synchronized void add(Window w) throws GunyahException {
        for (Window other : windows) {
            if (other.overlaps(w)) {
                throw GunyahException.of(
                        Errno.EEXIST,
                        "%s at 0x%x (0x%x bytes) overlaps %s at 0x%x (0x%x bytes)",
                        w.name(),
                        w.base(),
                        w.size(),
                        other.name(),
                        other.base(),
                        other.size());
            }
        }
        Window[] more = Arrays.copyOf(windows, windows.length + 1);
        more[windows.length] = w;
        Arrays.sort(more, Comparator.comparingLong(Window::base));
        windows = more;
    }

    synchronized void remove(Window w) {
        windows = Arrays.stream(windows).filter(x -> x != w).toArray(Window[]::new);
    }

    /** The window holding {@code address}, or null. */
    Window find(long address) {
        for (Window w : windows) {
            if (w.covers(address)) {
                return w;
            }
        }
        return null;
    }
}
