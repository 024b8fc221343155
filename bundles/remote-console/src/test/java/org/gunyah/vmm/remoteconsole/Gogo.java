package org.gunyah.vmm.remoteconsole;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/** A real Gogo command processor outside OSGi, with two commands of scope gunyah. */
final class Gogo implements AutoCloseable {
    final ThreadIOImpl threadIo = new ThreadIOImpl();
    final CommandProcessorImpl processor;

    Gogo() {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("gunyah", new Commands(), "vms");
        processor.addCommand("gunyah", new Commands(), "fail");
    }

    public static final class Commands {
        public String vms() {
            return "no VMs";
        }

        public void fail() throws GunyahException {
            throw new GunyahException(Errno.EINVAL, "this fails");
        }
    }

    @Override
    public void close() {
        processor.stop();
        threadIo.stop();
    }
}
