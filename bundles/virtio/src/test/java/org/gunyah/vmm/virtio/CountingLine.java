package org.gunyah.vmm.virtio;

import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.device.InterruptLine;

/** An interrupt line that counts the times it was told it may have gone up. */
final class CountingLine implements InterruptLine {
    final AtomicInteger changes = new AtomicInteger();

    @Override
    public void changed() {
        changes.incrementAndGet();
    }
}
