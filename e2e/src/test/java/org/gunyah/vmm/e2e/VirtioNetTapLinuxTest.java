package org.gunyah.vmm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.device.net.VirtioNetModel;
import org.gunyah.vmm.managed.ManagedVm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Linux VM reaches the host through its switch's TAP uplink: the host has a persistent TAP with
 * 10.0.88.1/24 (made with iproute2, as an administrator would), the guest's eth0 is on a switch
 * connected to it ({@code virtio-net switch=up tap=...}), and the guest pings the host: ARP and
 * ICMP both ways through /dev/net/tun. Needs root (CAP_NET_ADMIN) and {@code ip}; skipped with the
 * reason otherwise.
 */
class VirtioNetTapLinuxTest {
    private static final String MARKER = "gunyah-virtio-tap";
    private static final Pattern PINGED = Pattern.compile(MARKER + " ping=(\\d) tries=(\\d+)");
    private static final Duration TIMEOUT = Duration.parse(System.getProperty("gunyah.linux.timeout", "PT5M"));
    private static final String TAP = "gtape" + ProcessHandle.current().pid() % 100000;
    private static final String BB = "/bin/busybox ";

    private final LinuxGuests guests = new LinuxGuests(new VirtioNetModel());

    @TempDir
    Path dir;

    @BeforeEach
    void hostTap() throws Exception {
        String made = ip("tuntap", "add", "dev", TAP, "mode", "tap");
        Assumptions.assumeTrue(
                made.isEmpty(),
                "skipped: no TAP can be made here with 'ip tuntap add' (root and iproute2 needed): " + made);
        assertEquals("", ip("addr", "add", "10.0.88.1/24", "dev", TAP));
        assertEquals("", ip("link", "set", TAP, "up"));
    }

    @AfterEach
    void close() throws Exception {
        guests.close();
        ip("tuntap", "del", "dev", TAP, "mode", "tap");
    }

    @Test
    void aLinuxVmPingsTheHostThroughItsSwitchsTap() throws Exception {
        List<String> modules = new ArrayList<>(LinuxGuests.VIRTIO_MMIO);
        modules.addAll(VirtioNetLinuxTest.NET);
        CompletableFuture<Matcher> pinged = new CompletableFuture<>();
        ManagedVm vm = guests.boot(
                dir,
                "tapped",
                "console, exit-register, pl011, virtio-net switch=up tap=" + TAP,
                LinuxGuests.initramfs(
                        modules,
                        List.of(
                                BB + "ip link set eth0 up",
                                BB + "ip addr add 10.0.88.2/24 dev eth0",
                                "i=0; ok=0",
                                "while [ $i -lt 60 ]; do",
                                "  i=$((i+1))",
                                "  if " + BB + "ping -c 1 -W 1 10.0.88.1 >/dev/null 2>&1; then ok=1; break; fi",
                                "done",
                                BB + "echo \"" + MARKER + " ping=$ok tries=$i\"")),
                line -> {
                    Matcher m = PINGED.matcher(line);
                    if (m.find()) {
                        pinged.complete(m);
                    }
                });

        assertTrue(vm.awaitDown(TIMEOUT), "the VM still runs after " + TIMEOUT + "; its console:\n" + vm.console());
        assertTrue(pinged.isDone(), "no marker; " + vm.status() + "; its console:\n" + vm.console());
        assertEquals(
                "1",
                pinged.join().group(1),
                "the host did not answer in " + pinged.join().group(2) + " tries; the console:\n" + vm.console());
        assertEquals("EXITED(0)", vm.status());
    }

    /** Runs iproute2's {@code ip}: its output when it failed, "" when it succeeded. */
    private static String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "no ip command: " + e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "ip " + String.join(" ", args) + " did not end";
        }
        return p.exitValue() == 0 ? "" : "ip " + String.join(" ", args) + ": " + out.strip();
    }
}
