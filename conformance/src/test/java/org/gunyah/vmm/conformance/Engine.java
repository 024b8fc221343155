package org.gunyah.vmm.conformance;

/** How the vCPU runs the guest's code: the differential tests run on each. */
enum Engine {
    /** Decoding every instruction it executes, the reference. */
    INTERPRETER(-1),
    /** Translating every piece of code at its first arrival (threshold 0), so all of it runs translated. */
    TRANSLATOR(0);

    private final int threshold;

    Engine(int threshold) {
        this.threshold = threshold;
    }

    /** The vCPU's translation threshold: -1 for none. */
    int threshold() {
        return threshold;
    }
}
