package org.gunyah.vmm.function.vcpu;

import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.VmFunctionType;
import org.osgi.service.component.annotations.Component;

/**
 * {@code GH_FN_VCPU}: claims the VCPU resource labelled with the vCPU id and hands the caller a
 * {@link org.gunyah.vmm.api.Vcpu} to run it.
 */
@VmFunctionType(type = FunctionType.VCPU, name = "vcpu")
@Component(service = VmFunction.class)
public final class VcpuFunction implements VmFunction {

    @Override
    public Object bind(FunctionInstance instance) throws GunyahException {
        VcpuArg arg = VcpuArg.decode(instance.arg());
        VcpuHandle vcpu = new VcpuHandle(arg.id(), instance.vm());
        instance.vm().addResourceTicket(vcpu);
        vcpu.attach();
        instance.setData(vcpu);
        return vcpu;
    }

    @Override
    public void unbind(FunctionInstance instance) {
        VcpuHandle vcpu = instance.data(VcpuHandle.class);
        vcpu.detach();
        instance.vm().removeResourceTicket(vcpu);
        instance.setData(null);
    }

    @Override
    public boolean compare(FunctionInstance instance, byte[] arg) {
        try {
            return VcpuArg.decode(arg).id() == instance.data(VcpuHandle.class).id();
        } catch (GunyahException e) {
            return false;
        }
    }
}
