package org.gunyah.vmm.tools.a64asm;

import java.util.Map;

/** An assembled flat image loaded at {@code baseAddress}, its symbols and entry point. */
public record Program(byte[] image, long baseAddress, Map<String, Long> symbols, long entry) {
    public Program {
        image = image.clone();
        symbols = Map.copyOf(symbols);
    }

    @Override
    public byte[] image() {
        return image.clone();
    }
}
