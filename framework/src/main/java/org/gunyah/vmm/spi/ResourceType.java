package org.gunyah.vmm.spi;

/** {@code enum gh_resource_type}: the resource manager's numbers. */
public enum ResourceType {
    BELL_TX(0),
    BELL_RX(1),
    MSGQ_TX(2),
    MSGQ_RX(3),
    VCPU(4);

    private final int value;

    ResourceType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
