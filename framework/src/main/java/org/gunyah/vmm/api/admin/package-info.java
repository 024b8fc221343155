/**
 * For consoles and tools: the function types the framework knows ({@link
 * org.gunyah.vmm.api.admin.FunctionAdmin#functionTypes}, bound ones and those only installed, with
 * their provider bundle, state and users), deploying a function bundle, and undeploying one
 * (refused with EBUSY while VMs use it, unless forced); the VMs.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package org.gunyah.vmm.api.admin;
