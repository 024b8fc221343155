// Never stops on its own: what closing a VM under running vCPUs is tested with.
        .text
_start:
1:      b       1b
