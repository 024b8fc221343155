package org.gunyah.vmm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.device.net.VirtioNetModel;
import org.gunyah.vmm.managed.ManagedVm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Linux VMs on one virtual switch: Debian's kernel loads virtio_net (after virtio_ring,
 * virtio, virtio_mmio and the failover modules it needs) from its package, each VM's eth0 gets an
 * address on 10.0.0.0/24, and one pings the other through the switch (ARP broadcast flooded,
 * the replies forwarded to the learned port). Both VMs run at once.
 */
class VirtioNetLinuxTest {
    static final String MARKER = "gunyah-virtio-net";
    private static final Pattern PINGED = Pattern.compile(MARKER + " ping=(\\d) tries=(\\d+) mac=(\\S+)");
    private static final Pattern UP = Pattern.compile(MARKER + "-up mac=(\\S+)");
    private static final Duration TIMEOUT = Duration.parse(System.getProperty("gunyah.linux.timeout", "PT5M"));
    /** After the virtio core, in the order they need each other: virtio_net uses net_failover, which uses failover. */
    static final List<String> NET =
            List.of("net/core/failover.ko", "drivers/net/net_failover.ko", "drivers/net/virtio_net.ko");

    private static final String BB = "/bin/busybox ";

    private final LinuxGuests guests = new LinuxGuests(new VirtioNetModel());

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        guests.close();
    }

    @Test
    void oneLinuxVmPingsAnotherThroughTheirVirtualSwitch() throws Exception {
        CompletableFuture<Matcher> bUp = new CompletableFuture<>();
        ManagedVm b = boot(
                "b",
                List.of(
                        BB + "ip addr add 10.0.0.2/24 dev eth0",
                        BB + "ip link set eth0 up",
                        BB + "echo \"" + MARKER + "-up mac=$mac\"",
                        // answers pings until the test is done with it
                        BB + "sleep 300"),
                line -> complete(bUp, UP.matcher(line)));
        CompletableFuture<Matcher> pinged = new CompletableFuture<>();
        ManagedVm a = boot(
                "a",
                List.of(
                        BB + "ip link set eth0 up",
                        BB + "ip addr add 10.0.0.1/24 dev eth0",
                        "i=0; ok=0",
                        "while [ $i -lt 60 ]; do",
                        "  i=$((i+1))",
                        "  if " + BB + "ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1; then ok=1; break; fi",
                        "done",
                        BB + "echo \"" + MARKER + " ping=$ok tries=$i mac=$mac\""),
                line -> complete(pinged, PINGED.matcher(line)));

        boolean aDown = a.awaitDown(TIMEOUT);
        String bConsole = b.console();
        b.close();

        assertTrue(aDown, "VM a still runs after " + TIMEOUT + "; its console:\n" + a.console());
        assertTrue(
                pinged.isDone(),
                "VM a printed no marker; " + a.status() + "; its console:\n" + a.console() + "\nb's:\n" + bConsole);
        Matcher m = pinged.join();
        assertEquals(
                "1",
                m.group(1),
                "VM a's ping of b got no answer in " + m.group(2) + " tries; a's console:\n" + a.console() + "\nb's:\n"
                        + bConsole);
        assertTrue(bUp.isDone(), "VM b said it was up; its console:\n" + bConsole);
        assertNotEquals(m.group(3), bUp.join().group(1), "each VM's card has its own derived MAC");
        assertEquals("EXITED(0)", a.status());
    }

    private static void complete(CompletableFuture<Matcher> future, Matcher m) {
        if (m.find()) {
            future.complete(m);
        }
    }

    /** VM {@code name} on switch lan0 whose /init runs {@code script} with {@code $mac} set to its card's address. */
    private ManagedVm boot(String name, List<String> script, java.util.function.Consumer<String> console)
            throws Exception {
        List<String> modules = new ArrayList<>(LinuxGuests.VIRTIO_MMIO);
        modules.addAll(NET);
        List<String> lines = new ArrayList<>();
        lines.add("mac=$(" + BB + "cat /sys/class/net/eth0/address)");
        lines.addAll(script);
        return guests.boot(
                dir,
                name,
                "console, exit-register, pl011, virtio-net switch=lan0",
                LinuxGuests.initramfs(modules, lines),
                console);
    }
}
