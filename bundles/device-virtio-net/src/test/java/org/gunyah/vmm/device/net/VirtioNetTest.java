package org.gunyah.vmm.device.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.virtio.testing.FakeRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The card through its virtio-mmio registers, as a guest's driver and another port of its switch see it. */
class VirtioNetTest {
    static final Map<String, String> LAN0 = Map.of("switch", "lan0");
    static final Mac PEER = new Mac(0x02_00_00_00_00_01L);

    private final Switches switches = new Switches();
    private final VirtioNetModel model = new VirtioNetModel(switches);
    private final FakeRam ram = new FakeRam(1 << 20);
    private final FakeContext context = new FakeContext("vm", ram);
    private final BlockingQueue<byte[]> peerGot = new LinkedBlockingQueue<>();
    private final VirtualSwitch.Port peer = switches.plug("lan0", peerGot::add, Optional.of(PEER), "peer");
    private VirtioNet device;

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
        }
        peer.close();
        ram.close();
    }

    private Guest started(Map<String, String> options) throws GunyahException {
        device = (VirtioNet) model.create(context, options, Optional.empty());
        Guest guest = new Guest(ram, context, device.registers());
        guest.start();
        return guest;
    }

    private static byte[] frame(Mac to, Mac from, int payload) {
        byte[] f = VirtualSwitchTest.frame(to, from, "x".repeat(payload));
        f[14] = (byte) payload;
        return f;
    }

    @Test
    void theCardIsDeviceOneWithItsMacItsLinkUpAndAnMtuOf1500() throws GunyahException {
        Guest guest = started(Map.of("switch", "lan0", "mac", "52:54:00:12:34:56"));

        assertEquals(NetworkCard.DEVICE_ID, guest.read(Guest.DEVICE_ID));
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) guest.config(i, 1);
        }
        assertEquals("52:54:00:12:34:56", Mac.at(mac, 0).toString());
        assertEquals(NetworkCard.LINK_UP, guest.config(6, 2));
        assertEquals(1500, guest.config(10, 2));
    }

    @Test
    void aFrameTheGuestSendsReachesAnotherPortOfTheSwitchWithoutItsHeader() throws Exception {
        Guest guest = started(LAN0);
        byte[] frame = frame(PEER, device.mac(), 60);

        guest.send(frame);

        assertArrayEquals(frame, peerGot.poll(10, TimeUnit.SECONDS));
        guest.awaitUsed(guest.tx, 1);
        assertEquals(0, guest.tx.usedLength(0), "the device writes nothing into a transmit chain");
    }

    @Test
    void aFrameFromTheSwitchLandsInAPostedBufferAfterAZeroedHeaderWithOneBuffer() throws Exception {
        Guest guest = started(LAN0);
        long buffer = guest.postReceive(NetworkCard.HEADER + 1514);
        byte[] frame = frame(device.mac(), PEER, 100);

        peer.send(frame);

        guest.awaitUsed(guest.rx, 1);
        assertEquals(NetworkCard.HEADER + frame.length, guest.rx.usedLength(0));
        byte[] header = new byte[NetworkCard.HEADER];
        header[10] = 1;
        assertArrayEquals(header, ram.get(buffer, NetworkCard.HEADER));
        assertArrayEquals(frame, ram.get(buffer + NetworkCard.HEADER, frame.length));
    }

    @Test
    void framesArrivingWithoutReceiveBuffersWaitAndAreDeliveredInOrderWhenTheDriverPostsSome() throws Exception {
        Guest guest = started(LAN0);
        byte[] first = frame(device.mac(), PEER, 20);
        byte[] second = frame(device.mac(), PEER, 30);
        peer.send(first);
        peer.send(second);

        long one = guest.postReceive(2048);
        long two = guest.postReceive(2048);

        guest.awaitUsed(guest.rx, 2);
        assertArrayEquals(first, ram.get(one + NetworkCard.HEADER, first.length));
        assertArrayEquals(second, ram.get(two + NetworkCard.HEADER, second.length));
        assertEquals(0, device.card().rxDropped());
    }

    @Test
    void framesBeyondTheBacklogAreDroppedAndCounted() throws Exception {
        started(LAN0);

        for (int i = 0; i < NetworkCard.BACKLOG + 10; i++) {
            peer.send(frame(device.mac(), PEER, 20));
        }

        assertEquals(10, device.card().rxDropped());
    }

    @Test
    void aFrameLargerThanItsReceiveBufferIsDroppedAndTheBufferGivenBackEmpty() throws Exception {
        Guest guest = started(LAN0);
        guest.postReceive(64);

        peer.send(frame(device.mac(), PEER, 100));

        guest.awaitUsed(guest.rx, 1);
        assertEquals(0, guest.rx.usedLength(0));
        assertEquals(1, device.card().rxDropped());
    }

    @Test
    void aCardWhoseDriverHasNotStartedDropsItsFrames() throws Exception {
        device = (VirtioNet) model.create(context, LAN0, Optional.empty());

        peer.send(frame(Mac.BROADCAST, PEER, 20));

        assertEquals(1, device.card().rxDropped());
    }

    @Test
    void theSwitchOptionIsRequired() {
        assertEinval(Map.of(), "switch=<name>");
    }

    @Test
    void anUnknownOptionIsEinvalNamingIt() {
        assertEinval(Map.of("switch", "lan0", "speed", "10G"), "speed");
    }

    @Test
    void aMalformedMacIsEinvalNamingIt() {
        assertEinval(Map.of("switch", "lan0", "mac", "52:54:00:12:34"), "52:54:00:12:34");
    }

    @Test
    void aMulticastMacIsEinval() {
        assertEinval(Map.of("switch", "lan0", "mac", "ff:ff:ff:ff:ff:ff"), "multicast");
    }

    @Test
    void aSwitchNameOfOtherCharactersIsEinval() {
        assertEinval(Map.of("switch", "lan 0"), "lan 0");
    }

    @Test
    void aTapNameThatIsNoInterfaceNameIsEinval() {
        assertEinval(Map.of("switch", "lan0", "tap", "tap/0"), "tap/0");
        assertEinval(Map.of("switch", "lan0", "tap", "a-name-longer-than-15"), "a-name-longer-than-15");
    }

    private void assertEinval(Map<String, String> options, String named) {
        GunyahException e = assertThrows(GunyahException.class, () -> model.create(context, options, Optional.empty()));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertEquals(1, switches.find("lan0").orElseThrow().portCount(), "nothing plugged");
        assertEquals(0, context.doorbellCount(), "no doorbell left");
    }

    @Test
    void theDefaultMacIsDerivedFromTheVmsNameSoTwoVmsDifferAndARestartKeepsIt() throws GunyahException {
        Device a = model.create(new FakeContext("a", ram), LAN0, Optional.empty());
        Device b = model.create(new FakeContext("b", ram), LAN0, Optional.empty());
        Mac first = ((VirtioNet) a).mac();

        assertNotEquals(first, ((VirtioNet) b).mac());
        a.close();
        b.close();
        Device again = model.create(new FakeContext("a", ram), LAN0, Optional.empty());
        assertEquals(first, ((VirtioNet) again).mac());
        again.close();
    }

    @Test
    void closingTheCardUnplugsItFromItsSwitch() throws GunyahException {
        Device d = model.create(context, Map.of("switch", "lan1"), Optional.empty());
        assertEquals(1, switches.find("lan1").orElseThrow().portCount());

        d.close();

        assertEquals(Optional.empty(), switches.find("lan1"), "its last port gone, the switch is gone");
    }

    @Test
    void aSuccessorTakesTheMacAndTheSwitchFromTheStateNotFromItsOptions() throws GunyahException {
        started(Map.of("switch", "lan0", "mac", "52:54:00:12:34:56"));
        DeviceState state = device.quiesce();
        device.close();

        device = (VirtioNet) model.create(context, Map.of("switch", "lan1"), Optional.of(state));

        assertEquals("52:54:00:12:34:56", device.mac().toString());
        assertEquals(2, switches.find("lan0").orElseThrow().portCount());
        assertEquals(Optional.empty(), switches.find("lan1"));
    }

    @Test
    void aSuccessorContinuesTheQueuesSoFramesFlowBothWaysWithoutAReset() throws Exception {
        Guest guest = started(LAN0);
        long buffer = guest.postReceive(2048);
        Mac mac = device.mac();
        DeviceState state = device.quiesce();
        device.close();

        device = (VirtioNet) model.create(context, LAN0, Optional.of(state));
        guest.registers = device.registers();
        byte[] in = frame(mac, PEER, 40);
        peer.send(in);
        byte[] out = frame(PEER, mac, 50);
        guest.send(out);

        assertEquals(15, guest.read(Guest.STATUS), "the driver's status is kept: no reset");
        guest.awaitUsed(guest.rx, 1);
        assertArrayEquals(in, ram.get(buffer + NetworkCard.HEADER, in.length), "the buffer posted before");
        byte[] got = peerGot.poll(10, TimeUnit.SECONDS);
        assertNotNull(got);
        assertArrayEquals(out, got, Arrays.toString(got));
    }

    @Test
    void aStateOfAnotherVersionIsEinvalAndPlugsNothing() {
        DeviceState newer = new DeviceState(VirtioNetModel.NAME, VirtioNet.STATE_VERSION + 1, new byte[0]);

        GunyahException e = assertThrows(GunyahException.class, () -> model.create(context, LAN0, Optional.of(newer)));

        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(1, switches.find("lan0").orElseThrow().portCount());
    }

    @Test
    void aStateCutShortIsEinval() {
        DeviceState cut = new DeviceState(VirtioNetModel.NAME, VirtioNet.STATE_VERSION, new byte[] {2, 0, 0});

        GunyahException e = assertThrows(GunyahException.class, () -> model.create(context, LAN0, Optional.of(cut)));

        assertEquals(Errno.EINVAL, e.errno());
    }
}
