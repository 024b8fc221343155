package org.gunyah.vmm.device.net;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.device.InterruptLine;
import org.gunyah.vmm.device.MmioDevice;
import org.gunyah.vmm.virtio.MmioTransport;
import org.gunyah.vmm.virtio.TransportState;

/**
 * One VM's virtio-net: the network card behind a virtio-mmio transport, plugged into a port of
 * its virtual switch. Each queue's notification is an ioeventfd (datamatch = the queue's index),
 * its interrupt the VMM's resampled line.
 *
 * <p>Its state for a successor: the MAC, the switch's name and the transport's state, so the
 * successor plugs into the same switch with the same address and the guest sees a pause. Frames
 * the switch delivered that were still waiting for receive buffers are not carried: they are
 * dropped at a replacement, as any network may drop them.
 */
final class VirtioNet implements Device {
    /** The format of the state: mac[6], u16 length and UTF-8 of the switch's name, then the transport's ({@link TransportState#encode}). */
    static final int STATE_VERSION = 1;

    /** What the declaration says: the switch, the MAC when not derived, the host TAP of the switch's uplink. */
    record Options(String switchName, Optional<Mac> mac, Optional<String> tap) {
        Options(String switchName, Optional<Mac> mac) {
            this(switchName, mac, Optional.empty());
        }
    }

    private record Carried(Mac mac, String switchName, TransportState transport) {}

    private final NetworkCard card;
    private final VirtualSwitch.Port port;
    private final MmioTransport transport;
    private final List<DeviceContext.Registration> doorbells;

    private VirtioNet(
            NetworkCard card,
            VirtualSwitch.Port port,
            MmioTransport transport,
            List<DeviceContext.Registration> doorbells) {
        this.card = card;
        this.port = port;
        this.transport = transport;
        this.doorbells = doorbells;
    }

    /**
     * A new device on {@code options}' switch, or one continuing from a predecessor's {@code
     * state} on the predecessor's switch with its MAC: EINVAL for a state it cannot read.
     */
    static VirtioNet create(DeviceContext context, Options options, Optional<DeviceState> state, Switches switches)
            throws GunyahException {
        Optional<Carried> carried = state.isPresent() ? Optional.of(decode(state.get())) : Optional.empty();
        String switchName = carried.map(Carried::switchName).orElse(options.switchName());
        Optional<Mac> mac = carried.map(Carried::mac).or(options::mac);
        NetworkCard card = new NetworkCard(context.vmName(), context.ram());
        VirtualSwitch.Port port;
        try {
            port = switches.plug(switchName, card, mac, context.vmName() + "/" + switchName, options.tap());
        } catch (GunyahException | RuntimeException e) {
            card.close();
            throw e;
        }
        card.attach(port);
        List<DeviceContext.Registration> doorbells = new ArrayList<>();
        try {
            AtomicReference<MmioTransport> made = new AtomicReference<>();
            InterruptLine line = context.interrupt(() -> {
                MmioTransport t = made.get();
                return t != null && t.interruptLevel();
            });
            MmioTransport transport = carried.isPresent()
                    ? new MmioTransport(card, context.ram(), line, carried.get().transport())
                    : new MmioTransport(card, context.ram(), line);
            made.set(transport);
            for (int q : new int[] {NetworkCard.RX, NetworkCard.TX}) {
                doorbells.add(context.doorbell(
                        MmioTransport.NOTIFY_OFFSET, 4, OptionalLong.of(q), () -> transport.notify(q)));
            }
            transport.resume();
            return new VirtioNet(card, port, transport, List.copyOf(doorbells));
        } catch (GunyahException | RuntimeException e) {
            doorbells.forEach(DeviceContext.Registration::close);
            card.close();
            port.close();
            throw e;
        }
    }

    private static Carried decode(DeviceState s) throws GunyahException {
        if (!s.model().equals(VirtioNetModel.NAME) || s.version() != STATE_VERSION) {
            throw GunyahException.of(Errno.EINVAL, "virtio-net reads its state version %d, not %s", STATE_VERSION, s);
        }
        ByteBuffer b = ByteBuffer.wrap(s.data()).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] mac = new byte[6];
            b.get(mac);
            byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(name);
            byte[] rest = new byte[b.remaining()];
            b.get(rest);
            return new Carried(Mac.at(mac, 0), new String(name, StandardCharsets.UTF_8), TransportState.decode(rest));
        } catch (BufferUnderflowException e) {
            throw GunyahException.of(Errno.EINVAL, "virtio-net state of %d bytes is cut short", s.data().length);
        }
    }

    private DeviceState encode() {
        byte[] name = port.network().name().getBytes(StandardCharsets.UTF_8);
        byte[] t = transport.snapshot().encode();
        ByteBuffer b = ByteBuffer.allocate(6 + 2 + name.length + t.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(port.mac().bytes()).putShort((short) name.length).put(name).put(t);
        return new DeviceState(VirtioNetModel.NAME, STATE_VERSION, b.array());
    }

    /** The card's address on its switch. */
    Mac mac() {
        return port.mac();
    }

    NetworkCard card() {
        return card;
    }

    @Override
    public MmioDevice registers() {
        return transport;
    }

    @Override
    public DeviceState quiesce() {
        card.pause();
        return encode();
    }

    @Override
    public void resume() {
        port.relearn(); // a successor that failed may have taught the switch its port meanwhile
        card.unpause();
    }

    @Override
    public void close() {
        doorbells.forEach(DeviceContext.Registration::close);
        card.close();
        port.close();
    }
}
