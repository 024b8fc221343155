package org.gunyah.vmm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.device.blk.VirtioBlkModel;
import org.gunyah.vmm.managed.ManagedVm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux's virtio_blk driver on our virtio-blk device: Debian's kernel loads virtio_ring, virtio,
 * virtio_mmio and virtio_blk from its package, shows the disk image as /dev/vda, reads all of it,
 * writes to it with fsync (the host's file then holds the guest's bytes), and mounts an ext4 image
 * read-only.
 */
class VirtioBlkLinuxTest {
    static final String MARKER = "gunyah-virtio-blk";
    private static final Pattern VALUE = Pattern.compile(MARKER + " (\\w+)=(.*)");
    private static final Duration TIMEOUT = Duration.parse(System.getProperty("gunyah.linux.timeout", "PT5M"));
    private static final int MIB = 1 << 20;

    private final VirtioBlkModel blk = new VirtioBlkModel();
    private final LinuxGuests guests = new LinuxGuests(blk);

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        guests.close();
    }

    @Test
    void linuxReadsTheWholeDiskAndItsWritesReachTheFile() throws Exception {
        byte[] disk = new byte[4 * MIB];
        new Random(42).nextBytes(disk);
        Path image = Files.write(dir.resolve("disk.img"), disk);
        Map<String, String> values = run(
                "virtio-blk file=" + image + " serial=gunyah-e2e-disk",
                List.of(
                        "/bin/busybox echo \"" + MARKER + " serial=$(/bin/busybox cat /sys/block/vda/serial)\"",
                        "/bin/busybox echo \"" + MARKER + " read=$(/bin/busybox sha256sum /dev/vda)\"",
                        "/bin/busybox dd if=/dev/urandom of=/dev/vda bs=4096 count=256 seek=256 conv=fsync 2>/dev/null",
                        "/bin/busybox echo \"" + MARKER
                                + " wrote=$(/bin/busybox dd if=/dev/vda bs=4096 count=256 skip=256"
                                + " 2>/dev/null | /bin/busybox sha256sum)\""),
                "serial",
                "read",
                "wrote");

        assertEquals("gunyah-e2e-disk", values.get("serial"), "GET_ID's answer is the disk's serial");
        assertEquals(sha256(disk), firstWord(values.get("read")), "the guest read the host's bytes");
        byte[] after = Files.readAllBytes(image);
        assertEquals(
                firstWord(values.get("wrote")),
                sha256(Arrays.copyOfRange(after, MIB, 2 * MIB)),
                "the file holds the MiB the guest wrote at 1 MiB");
        assertTrue(!Arrays.equals(disk, MIB, 2 * MIB, after, MIB, 2 * MIB), "the guest's MiB is new");
        assertTrue(
                Arrays.equals(disk, 0, MIB, after, 0, MIB)
                        && Arrays.equals(disk, 2 * MIB, disk.length, after, 2 * MIB, after.length),
                "nothing else of the file changed");
    }

    @Test
    void linuxMountsAnExt4ImageReadOnlyAndReadsItsFile() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.writeString(tree.resolve("hello.txt"), "hello from the host's ext4 image\n");
        Path image = dir.resolve("fs.img");
        assumeTrue(mke2fs(tree, image), "mke2fs (e2fsprogs) is needed to make the ext4 image");
        byte[] before = Files.readAllBytes(image);

        Map<String, String> values = run(
                "virtio-blk file=" + image + " readonly=true",
                List.of(
                        "/bin/busybox echo \"" + MARKER + " ro=$(/bin/busybox cat /sys/block/vda/ro)\"",
                        "/bin/busybox mount -t ext4 -o ro /dev/vda /mnt",
                        "/bin/busybox echo \"" + MARKER + " file=$(/bin/busybox cat /mnt/hello.txt)\"",
                        "/bin/busybox umount /mnt"),
                "ro",
                "file");

        assertEquals("1", values.get("ro"), "the kernel knows the disk is read-only");
        assertEquals("hello from the host's ext4 image", values.get("file"));
        assertTrue(Arrays.equals(before, Files.readAllBytes(image)), "the image is unchanged");
    }

    @Test
    void replacingTheModelTwentyTimesDuringADdLoopLosesNoIoAndTheDataIsWhatTheGuestWrote() throws Exception {
        byte[] disk = new byte[4 * MIB];
        new Random(7).nextBytes(disk);
        Path image = Files.write(dir.resolve("loop.img"), disk);
        List<Boolean> fromState = new CopyOnWriteArrayList<>();
        ModelVersion current = new ModelVersion(new VirtioBlkModel(), fromState);
        guests.vms.removeDeviceModel(blk);
        guests.vms.addDeviceModel(current);
        BlockingQueue<String> progress = new LinkedBlockingQueue<>();
        Map<String, String> values = new java.util.concurrent.ConcurrentHashMap<>();
        ManagedVm vm = boot(
                "virtio-blk file=" + image,
                List.of(
                        "i=0; fails=0",
                        "while [ $i -lt 64 ]; do",
                        "  /bin/busybox dd if=/dev/urandom of=/dev/vda bs=65536 count=1 seek=$i conv=fsync 2>/dev/null"
                                + " || fails=$((fails+1))",
                        "  /bin/busybox dd if=/dev/vda of=/dev/null bs=65536 count=1 skip=$i 2>/dev/null"
                                + " || fails=$((fails+1))",
                        "  i=$((i+1))",
                        "  [ $((i % 3)) = 0 ] && /bin/busybox echo \"progress $i\"",
                        "done",
                        "/bin/busybox echo \"" + MARKER + " fails=$fails\"",
                        "/bin/busybox echo \"" + MARKER + " sum=$(/bin/busybox sha256sum /dev/vda)\""),
                line -> {
                    if (line.startsWith("progress ")) {
                        progress.add(line);
                    }
                    Matcher m = VALUE.matcher(line);
                    if (m.find()) {
                        values.put(m.group(1), m.group(2).strip());
                    }
                });

        // One replacement per three 64 KiB writes and reads the guest reports.
        for (int n = 0; n < 20; n++) {
            assertNotNull(
                    progress.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                    "the guest's I/O stopped after " + n + " replacements; its console:\n" + vm.console());
            guests.vms.removeDeviceModel(current);
            current = new ModelVersion(new VirtioBlkModel(), fromState);
            guests.vms.addDeviceModel(current);
        }
        assertTrue(vm.awaitDown(TIMEOUT), "the VM still runs; its console:\n" + vm.console());

        assertEquals("0", values.get("fails"), "no I/O failed; its console:\n" + vm.console());
        assertEquals(
                firstWord(values.get("sum")), sha256(Files.readAllBytes(image)), "the file holds what the guest wrote");
        assertTrue(!Arrays.equals(disk, Files.readAllBytes(image)), "the guest wrote the whole disk anew");
        assertEquals(21, fromState.size());
        assertTrue(fromState.subList(1, 21).stream().allMatch(b -> b), "every successor took its predecessor's state");
        assertEquals("EXITED(0)", vm.status());
    }

    /** Whether mke2fs made an 8 MiB ext4 image of {@code tree}; false when it is not installed. */
    private static boolean mke2fs(Path tree, Path image) throws Exception {
        // Outside root's PATH it lives in /sbin or /usr/sbin.
        List<Path> candidates = new ArrayList<>();
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (!d.isEmpty()) {
                candidates.add(Path.of(d, "mke2fs"));
            }
        }
        Path mke2fs =
                candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (mke2fs == null) {
            return false;
        }
        Process p = new ProcessBuilder(
                        mke2fs.toString(), "-q", "-t", "ext4", "-d", tree.toString(), image.toString(), "8M")
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "mke2fs ended");
        assertEquals(0, p.exitValue(), "mke2fs: " + output);
        return true;
    }

    /** Boots with {@code device}, runs {@code script}, and returns the marked values it printed, each of {@code keys} present. */
    private Map<String, String> run(String device, List<String> script, String... keys) throws Exception {
        Map<String, String> values = new java.util.concurrent.ConcurrentHashMap<>();
        CompletableFuture<Void> all = new CompletableFuture<>();
        ManagedVm vm = boot(device, script, line -> {
            Matcher m = VALUE.matcher(line);
            if (m.find()) {
                values.put(m.group(1), m.group(2).strip());
                if (values.keySet().containsAll(List.of(keys))) {
                    all.complete(null);
                }
            }
        });
        assertTrue(vm.awaitDown(TIMEOUT), "the VM still runs after " + TIMEOUT + "; its console:\n" + vm.console());
        assertTrue(all.isDone(), "/init printed " + values + "; " + vm.status() + "; its console:\n" + vm.console());
        assertEquals("EXITED(0)", vm.status());
        return values;
    }

    private ManagedVm boot(String device, List<String> script, Consumer<String> console) throws Exception {
        List<String> modules = new ArrayList<>(LinuxGuests.VIRTIO_MMIO);
        modules.add("drivers/block/virtio_blk.ko");
        return guests.boot(
                dir,
                "blk",
                "console, exit-register, pl011, " + device,
                LinuxGuests.initramfs(modules, script),
                console);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String firstWord(String text) {
        return text.split("\\s+")[0];
    }
}
