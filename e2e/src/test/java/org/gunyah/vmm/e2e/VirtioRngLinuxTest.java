package org.gunyah.vmm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.device.rng.VirtioRngModel;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.internal.ManagedVmRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux's own virtio drivers on our virtio-mmio transport: Debian's kernel loads virtio_ring,
 * virtio, virtio_mmio and virtio-rng from its package's modules, finds the device in the
 * devicetree, makes it the hw_random source and reads entropy from it through /dev/hwrng (the
 * queue's kicks are ioeventfds, its completions interrupts through a resampled level irqfd).
 */
class VirtioRngLinuxTest {
    static final String MARKER = "gunyah-virtio-rng";
    private static final Pattern MARKED = Pattern.compile(MARKER + " current=(\\S+) bytes=(\\d+) distinct=(\\d+)");
    private static final Pattern LOOP = Pattern.compile(MARKER + "-loop reads=(\\d+) fails=(\\d+)");
    private static final Duration TIMEOUT = Duration.parse(System.getProperty("gunyah.linux.timeout", "PT5M"));

    private final LinuxGuests guests = new LinuxGuests();
    private final ManagedVmRegistry vms = guests.vms;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        guests.close();
    }

    /** What /init runs once the modules are in: read 4 KiB from /dev/hwrng and report. */
    static final List<String> READ_ONCE = List.of(
            "current=$(/bin/busybox cat /sys/class/misc/hw_random/rng_current)",
            "/bin/busybox dd if=/dev/hwrng of=/random bs=4096 count=1 2>/dev/null",
            "bytes=$(/bin/busybox stat -c %s /random)",
            "distinct=$(/bin/busybox od -An -v -tx1 -w1 /random | /bin/busybox sort -u | /bin/busybox wc -l)",
            "/bin/busybox echo \"" + MARKER + " current=$current bytes=$bytes distinct=$distinct\"");

    @Test
    void linuxsVirtioRngDriverReadsEntropyFromTheDevice() throws Exception {
        vms.addDeviceModel(new VirtioRngModel());
        CompletableFuture<Matcher> marked = new CompletableFuture<>();
        ManagedVm vm = boot(READ_ONCE, line -> {
            Matcher m = MARKED.matcher(line);
            if (m.find()) {
                marked.complete(m);
            }
        });
        boolean down = vm.awaitDown(TIMEOUT);

        assertTrue(down, "the VM still runs after " + TIMEOUT + "; its console:\n" + vm.console());
        assertTrue(marked.isDone(), "/init printed no marker; " + vm.status() + "; its console:\n" + vm.console());
        Matcher m = marked.join();
        assertEquals(
                "virtio_rng.0",
                m.group(1),
                "the kernel's hw_random source is our device; its console:\n" + vm.console());
        assertEquals(4096, Integer.parseInt(m.group(2)), "/dev/hwrng gave the bytes asked for");
        assertTrue(Integer.parseInt(m.group(3)) > 200, "random bytes take most of the 256 values: " + m.group(3));
        assertEquals("EXITED(0)", vm.status());
    }

    @Test
    void replacingTheModelTwentyTimesWhileTheGuestReadsLosesNoRead() throws Exception {
        List<Boolean> fromState = new CopyOnWriteArrayList<>();
        ModelVersion current = new ModelVersion(new VirtioRngModel(), fromState);
        vms.addDeviceModel(current);
        BlockingQueue<String> progress = new LinkedBlockingQueue<>();
        CompletableFuture<Matcher> marked = new CompletableFuture<>();
        ManagedVm vm = boot(
                List.of(
                        "i=0; fails=0",
                        "while [ $i -lt 300 ]; do",
                        "  /bin/busybox dd if=/dev/hwrng of=/dev/null bs=64 count=1 2>/dev/null || fails=$((fails+1))",
                        "  i=$((i+1))",
                        "  [ $((i % 10)) = 0 ] && /bin/busybox echo \"progress $i\"",
                        "done",
                        "/bin/busybox echo \"" + MARKER + "-loop reads=$i fails=$fails\""),
                line -> {
                    if (line.startsWith("progress ")) {
                        progress.add(line);
                    }
                    Matcher m = LOOP.matcher(line);
                    if (m.find()) {
                        marked.complete(m);
                    }
                });

        // One replacement per ten reads the guest reports, as a redeployed bundle would bring it.
        for (int n = 0; n < 20; n++) {
            assertNotNull(
                    progress.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                    "the guest stopped reading after " + n + " replacements; its console:\n" + vm.console());
            vms.removeDeviceModel(current);
            current = new ModelVersion(new VirtioRngModel(), fromState);
            vms.addDeviceModel(current);
        }
        assertTrue(vm.awaitDown(TIMEOUT), "the VM still runs; its console:\n" + vm.console());

        assertTrue(marked.isDone(), "/init printed no marker; " + vm.status() + "; its console:\n" + vm.console());
        assertEquals("300", marked.join().group(1));
        assertEquals("0", marked.join().group(2), "no read failed; its console:\n" + vm.console());
        assertEquals(21, fromState.size());
        assertEquals(List.of(false), fromState.subList(0, 1));
        assertTrue(fromState.subList(1, 21).stream().allMatch(b -> b), "every successor took its predecessor's state");
        assertEquals("EXITED(0)", vm.status());
    }

    private ManagedVm boot(List<String> script, java.util.function.Consumer<String> console) throws Exception {
        List<String> modules = new java.util.ArrayList<>(LinuxGuests.VIRTIO_MMIO);
        modules.add("drivers/char/hw_random/virtio-rng.ko");
        return guests.boot(
                dir,
                "rng",
                "console, exit-register, pl011, virtio-rng",
                LinuxGuests.initramfs(modules, script),
                console);
    }
}
