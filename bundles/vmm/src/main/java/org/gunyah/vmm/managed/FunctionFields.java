package org.gunyah.vmm.managed;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;

/**
 * A function's argument written as {@code key=value} fields, by the names of the uapi structs:
 *
 * <pre>
 * vcpu       id=N
 * irqfd      label=N [level=true|false] [fd=N]
 * ioeventfd  addr=A len=1|2|4|8 [datamatch=V] [fd=N]
 * other      [arg=HEXBYTES]           the raw argument, for types this shell does not know
 * </pre>
 *
 * Without {@code fd} an irqfd or ioeventfd needs an eventfd made for it ({@link #needsEventFd}).
 * Field order does not matter; a missing required field, an unknown or repeated one, or a value
 * that is not a number is EINVAL.
 */
public record FunctionFields(int type, Map<String, String> values) {

    private static final Map<Integer, List<String>> FIELDS = Map.of(
            FunctionType.VCPU, List.of("id"),
            FunctionType.IRQFD, List.of("label", "level", "fd"),
            FunctionType.IOEVENTFD, List.of("addr", "len", "datamatch", "fd"));
    private static final List<String> RAW = List.of("arg");

    public FunctionFields {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values)); // keeps the order typed
    }

    public static FunctionFields parse(int type, List<String> args) throws GunyahException {
        List<String> known = FIELDS.getOrDefault(type, RAW);
        Map<String, String> values = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "'%s' is not key=value (%s takes %s)",
                        a,
                        FunctionType.describe(type),
                        String.join(", ", known));
            }
            String key = a.substring(0, eq).strip();
            if (!known.contains(key)) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "%s has no field '%s' (fields: %s)",
                        FunctionType.describe(type),
                        key,
                        String.join(", ", known));
            }
            if (values.putIfAbsent(key, a.substring(eq + 1).strip()) != null) {
                throw GunyahException.of(Errno.EINVAL, "field '%s' is given twice", key);
            }
        }
        FunctionFields f = new FunctionFields(type, values);
        f.desc(0); // checks every field once, so that nothing is created for a bad line
        return f;
    }

    /** An irqfd or ioeventfd given without {@code fd=}. */
    public boolean needsEventFd() {
        return (type == FunctionType.IRQFD || type == FunctionType.IOEVENTFD) && !values.containsKey("fd");
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The descriptor, with {@code eventFd} standing in for a missing {@code fd}. */
    public FunctionDesc desc(int eventFd) throws GunyahException {
        return switch (type) {
            case FunctionType.VCPU -> new VcpuArg(u32("id")).desc();
            case FunctionType.IRQFD ->
                new IrqfdArg(
                                fd(eventFd),
                                u32("label"),
                                get("level").isPresent() && Numbers.parseBoolean("level", values.get("level"))
                                        ? IrqfdArg.LEVEL
                                        : 0)
                        .desc();
            case FunctionType.IOEVENTFD -> {
                long addr = Numbers.parse("addr", required("addr"));
                int len = u32("len");
                int fd = fd(eventFd);
                yield get("datamatch").isPresent()
                        ? IoeventfdArg.matching(addr, len, Numbers.parse("datamatch", values.get("datamatch")), fd)
                                .desc()
                        : IoeventfdArg.of(addr, len, fd).desc();
            }
            default -> new FunctionDesc(type, rawArg());
        };
    }

    private int fd(int eventFd) throws GunyahException {
        return get("fd").isPresent() ? u32("fd") : eventFd;
    }

    private int u32(String key) throws GunyahException {
        return Numbers.parseU32(key, required(key));
    }

    private String required(String key) throws GunyahException {
        String v = values.get(key);
        if (v == null) {
            throw GunyahException.of(Errno.EINVAL, "%s needs %s=", FunctionType.describe(type), key);
        }
        return v;
    }

    private byte[] rawArg() throws GunyahException {
        String hex = values.getOrDefault("arg", "");
        if (hex.startsWith("0x")) {
            hex = hex.substring(2);
        }
        try {
            return HexFormat.of().parseHex(hex.replace("_", ""));
        } catch (IllegalArgumentException e) {
            throw GunyahException.of(Errno.EINVAL, "arg: '%s' is not hex bytes", values.get("arg"));
        }
    }

    /** The fields as typed, for messages: {@code irqfd label=3 level=true}. */
    public String describe() {
        return describe(FunctionType.describe(type));
    }

    /** As {@link #describe()}, the type called {@code typeName} (its provider's name). */
    public String describe(String typeName) {
        StringBuilder b = new StringBuilder(typeName);
        values.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }
}
