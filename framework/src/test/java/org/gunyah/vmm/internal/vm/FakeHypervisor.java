package org.gunyah.vmm.internal.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.gunyah.vmm.spi.hypervisor.HypervisorDoorbell;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.HypervisorVcpu;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.RmListener;
import org.gunyah.vmm.spi.hypervisor.RmVmState;

/** A resource manager that records every call, in order, and answers as the real one would. */
final class FakeHypervisor implements Hypervisor {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<HypervisorResource> resources = new ArrayList<>();
    boolean failInit;
    /** The resource-manager step that fails ("share", "configure", "init", "resources", "start"), or null. */
    String failAt;
    /** How {@link #failAt} fails: a GunyahException with this errno, or a RuntimeException when null. */
    Errno failWith = Errno.ENOMEM;

    boolean silent;
    int live;
    FakeVm last;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public HypervisorVm allocateVm() {
        live++;
        calls.add("allocate");
        last = new FakeVm();
        return last;
    }

    @Override
    public int allocatedVms() {
        return live;
    }

    static HypervisorVcpu vcpu(int label) {
        return new HypervisorVcpu() {
            @Override
            public ResourceType type() {
                return ResourceType.VCPU;
            }

            @Override
            public int label() {
                return label;
            }

            @Override
            public long capId() {
                return 0x100 + label;
            }

            @Override
            public int virq() {
                return -1;
            }

            @Override
            public VcpuRunResult run() {
                return VcpuRunResult.READY;
            }

            @Override
            public void resumeMmioRead(long value) {}

            @Override
            public void setWakeupListener(Runnable listener) {}

            @Override
            public void kick() {}
        };
    }

    static HypervisorDoorbell doorbell(int label) {
        return new HypervisorDoorbell() {
            @Override
            public ResourceType type() {
                return ResourceType.BELL_TX;
            }

            @Override
            public int label() {
                return label;
            }

            @Override
            public long capId() {
                return 0x200 + label;
            }

            @Override
            public int virq() {
                return 32 + label;
            }

            @Override
            public void send(long flags) {}

            @Override
            public void setMask(long enableMask, long ackMask) {}
        };
    }

    private void fail(String step) throws GunyahException {
        if (step.equals(failAt)) {
            if (failWith == null) {
                throw new IllegalStateException("the resource manager broke at " + step);
            }
            throw GunyahException.of(failWith, "the resource manager refused %s", step);
        }
    }

    final class FakeVm implements HypervisorVm {
        RmListener listener;
        RmVmState state = RmVmState.LOAD;
        int handles;

        @Override
        public int vmid() {
            return 7;
        }

        @Override
        public RmVmState state() {
            return state;
        }

        @Override
        public void setListener(RmListener listener) {
            this.listener = listener;
        }

        @Override
        public int share(MemoryParcel parcel) throws GunyahException {
            calls.add("share " + parcel.label());
            fail("share");
            return ++handles;
        }

        @Override
        public void reclaim(int memHandle) {
            calls.add("reclaim " + memHandle);
        }

        @Override
        public void configure(int memHandle, long imageOffset, long dtbOffset, long dtbSize) throws GunyahException {
            calls.add("configure " + memHandle + " dtb@" + dtbOffset);
            fail("configure");
        }

        @Override
        public void init() throws GunyahException {
            calls.add("init");
            fail("init");
            if (failInit) {
                state = RmVmState.INIT_FAILED;
                throw GunyahException.of(Errno.EINVAL, "bad devicetree");
            }
            state = RmVmState.READY;
        }

        @Override
        public List<HypervisorResource> resources() throws GunyahException {
            calls.add("resources");
            fail("resources");
            return List.copyOf(resources);
        }

        @Override
        public void start() throws GunyahException {
            calls.add("start");
            fail("start");
            state = RmVmState.RUNNING;
        }

        @Override
        public void stop() {
            calls.add("stop");
            state = RmVmState.EXITED;
            if (!silent) {
                listener.exited(ExitInfo.withCode(ExitInfo.VM_FORCE_STOPPED, 0));
            }
        }

        @Override
        public void reset() {
            calls.add("reset");
            state = RmVmState.RESET;
            if (!silent) {
                listener.status(RmVmState.RESET);
            }
        }

        @Override
        public void close() {
            calls.add("dealloc");
            live--;
        }
    }
}
