# The KVM reference benchmark guest (x86, 32-bit protected mode, no paging), one flat binary
# loaded at guest physical 0x40000000 (2 MiB of RAM) and shared by the C reference
# (benchmarks/kvm/c/kvmbench.c) and the Java implementation, so both measure the same guest.
#
#   as --32 -o bench.o bench.S
#   ld -m elf_i386 -Ttext=0x40000000 --oformat binary -o bench.bin bench.o
#
# The host enters at 0x40000000 in flat 32-bit protected mode (CS 0x08, data 0x10, base 0,
# limit 4 GiB) without a GDT or IDT; the guest loads its own. The host patches MODE and COUNT
# (image offsets 0x10 and 0x14, little endian) before it starts the vCPU:
#   mode 1 (mmio_exit): COUNT 4-byte writes to 0x0a001000, where nothing is mapped: each one
#                       is a KVM_EXIT_MMIO to userspace.
#   mode 2 (ioeventfd): COUNT 4-byte writes of 1 to 0x0a000000, a KVM_IOEVENTFD (len 4): they
#                       never leave the kernel.
#   mode 3 (irqfd):     takes COUNT interrupts on IOAPIC pin 16 (vector 0x30), the host raises
#                       them with a KVM_IRQFD on GSI 16; the handler acknowledges each with a
#                       4-byte write of 1 to 0x0a000008 (a KVM_IOEVENTFD, len 4). One ack before
#                       the first interrupt says the guest is ready.
# Every mode ends with a 4-byte write of the exit code (0) to port 0xf4.

        .equ MMIO_EXIT,   0x0a001000          # unmapped: every write exits to userspace
        .equ DOORBELL,    0x0a000000          # ioeventfd (mode 2)
        .equ ACK,         0x0a000008          # ioeventfd (mode 3)
        .equ EXIT_PORT,   0xf4
        .equ APIC_EOI,    0xfee000b0
        .equ APIC_SVR,    0xfee000f0
        .equ IOREGSEL,    0xfec00000
        .equ IOWIN,       0xfec00010
        .equ IRQ_PIN,     16
        .equ IRQ_VECTOR,  0x30
        .equ STACK_TOP,   0x40200000          # end of the 2 MiB of RAM

        .code32
        .text
        .globl _start
_start:
        jmp     start                         # short jmp over the parameter block

        .org    0x10
mode:   .long   0                             # patched by the host
count:  .long   0                             # patched by the host

start:
        lgdt    gdt_desc
        ljmp    $0x08, $1f                    # reload CS from our own GDT
1:      mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %fs
        mov     %ax, %gs
        mov     %ax, %ss
        mov     $STACK_TOP, %esp

        # IDT gate IRQ_VECTOR -> irq. ld cannot put the two 16-bit halves of an absolute
        # address into a flat binary, so the gate is filled in here.
        mov     $irq, %eax
        mov     $idt + IRQ_VECTOR * 8, %edi
        mov     %ax, (%edi)                   # offset 15..0
        movw    $0x08, 2(%edi)                # code selector
        movw    $0x8e00, 4(%edi)              # present, DPL 0, 32-bit interrupt gate
        shr     $16, %eax
        mov     %ax, 6(%edi)                  # offset 31..16
        lidt    idt_desc

        mov     mode, %eax
        mov     count, %ecx
        cmp     $1, %eax
        je      mmio_exit
        cmp     $2, %eax
        je      ioeventfd
        cmp     $3, %eax
        je      irqfd
        mov     $1, %eax                      # unknown mode: exit code 1
        jmp     exit

mmio_exit:
        jecxz   done
2:      movl    $1, MMIO_EXIT
        dec     %ecx
        jnz     2b
        jmp     done

ioeventfd:
        jecxz   done
3:      movl    $1, DOORBELL
        dec     %ecx
        jnz     3b
        jmp     done

irqfd:
        mov     $0xff, %al                    # mask both 8259s: only the IOAPIC delivers
        out     %al, $0x21
        out     %al, $0xa1
        movl    $0x1ff, APIC_SVR              # local APIC software enable, spurious vector 0xff
        movl    $0x10 + 2 * IRQ_PIN, IOREGSEL # redirection entry of pin 16, low half:
        movl    $IRQ_VECTOR, IOWIN            #   vector, fixed, physical, edge, high, unmasked
        movl    $0x10 + 2 * IRQ_PIN + 1, IOREGSEL
        movl    $0, IOWIN                     #   high half: destination APIC ID 0
        movl    $1, ACK                       # ready
        # Check and sleep with interrupts off: sti's one-instruction shadow makes "sti; hlt"
        # atomic, so an interrupt arriving after the check still wakes the hlt.
4:      cli
        mov     handled, %eax
        cmp     count, %eax
        jae     done
        sti
        hlt
        jmp     4b

done:
        xor     %eax, %eax
exit:
        out     %eax, $EXIT_PORT              # the host stops here
5:      hlt
        jmp     5b

# Interrupt handler for IRQ_VECTOR: count, EOI, acknowledge to the host.
irq:
        incl    handled
        movl    $0, APIC_EOI
        movl    $1, ACK
        # Not iret: PVM's instruction emulator cannot emulate a 32-bit iret (KVM_EXIT_INTERNAL_ERROR,
        # suberror 1, measured on kvm_pvm). Same privilege level, so the frame is just EIP, CS,
        # EFLAGS: restore EFLAGS (and with it IF), return to EIP and drop CS and EFLAGS.
        pushl   8(%esp)
        popfl
        ret     $8

        .balign 8
gdt:    .quad   0                             # null
        .quad   0x00cf9a000000ffff            # 0x08: code, base 0, limit 4 GiB, 32-bit
        .quad   0x00cf92000000ffff            # 0x10: data, base 0, limit 4 GiB
gdt_end:
gdt_desc:
        .word   gdt_end - gdt - 1
        .long   gdt
idt_desc:
        .word   256 * 8 - 1                   # every other gate not present: a stray
        .long   idt                           # exception ends in a triple fault (SHUTDOWN)

        .bss                                  # not in the flat binary: RAM starts zeroed
        .balign 8
idt:    .space  256 * 8
handled: .long  0                             # interrupts taken (mode 3)
