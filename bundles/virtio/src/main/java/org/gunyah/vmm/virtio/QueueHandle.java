package org.gunyah.vmm.virtio;

import java.util.Optional;

/**
 * An activated queue as its device sees it: its {@link SplitVirtqueue} under the transport's
 * monitor, inert once the transport resets or the guest broke it. The line is told of an interrupt
 * after the monitor is released, so the VMM's interrupt path never runs under it.
 */
final class QueueHandle implements Virtqueue {
    private final MmioTransport transport;
    private final Object lock;
    private final int index;
    private final SplitVirtqueue queue;
    private boolean live = true;

    QueueHandle(MmioTransport transport, Object lock, int index, SplitVirtqueue queue) {
        this.transport = transport;
        this.lock = lock;
        this.index = index;
        this.queue = queue;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int size() {
        return queue.layout().size();
    }

    @Override
    public Optional<DescriptorChain> next() {
        synchronized (lock) {
            if (!live) {
                return Optional.empty();
            }
            try {
                return queue.next();
            } catch (VirtqueueException e) {
                live = false;
                transport.malformedLocked(index, e);
            }
        }
        transport.lineChanged();
        return Optional.empty();
    }

    @Override
    public void complete(DescriptorChain chain, long bytesWritten) {
        synchronized (lock) {
            if (!live || !queue.complete(chain, bytesWritten)) {
                return;
            }
            transport.raiseLocked(Registers.INT_VRING);
        }
        transport.lineChanged();
    }

    /** After a reset: the device's late calls change nothing. Under the monitor. */
    void retireLocked() {
        live = false;
    }

    /** Under the monitor. */
    QueuePositions positionsLocked() {
        return new QueuePositions(queue.lastAvail(), queue.usedIndex());
    }

    record QueuePositions(int lastAvail, int usedIdx) {}
}
