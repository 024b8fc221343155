# The soak guest for the KVM backend (32-bit x86), the twin of soak.S, loaded at 0x40000000 on 4
# vCPUs (EDI = vCPU id). Every vCPU i routes IOAPIC pin 16 + i (its irqfd label i + 1 is SPI i of
# the VM, GSI 16 + i) to itself, then, for as long as the host leaves STOP at 0: counts a ring in
# WRITES[i], rings its doorbell at DOORBELL + 8 * i (an ioeventfd the VMM answers with that irqfd)
# and sleeps until its interrupt handler has counted the answer in TAKEN[i]. So every ring waits
# for exactly one interrupt: a ring or an interrupt lost while function bundles are replaced
# leaves its vCPU asleep for good. When the host sets STOP, each vCPU finishes its round, counts
# itself in STOPPED, and vCPU 0 then writes 0 to the exit register.
# Handlers return with popfl + ret $8: PVM (software nested KVM) cannot emulate a 32-bit iret.
        .code32
        .equ EXIT,     0x09001000
        .equ DOORBELL, 0x0a000000
        .equ DATA,     0x40080000              # WRITES[4] +0, TAKEN[4] +32, STOP +64, STOPPED +72 (u64 each)
        .equ TAKEN,    DATA + 32
        .equ STOP,     DATA + 64
        .equ STOPPED,  DATA + 72
        .equ VCPUS,    4
        .equ LAPIC,    0xfee00000
        .equ IOAPIC,   0xfec00000
        .equ VECTOR,   0x40
        .equ FIRST_GSI, 16

        .text
        .global _start
_start:
        lgdt    gdtr
        ljmp    $0x08, $1f
1:      mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     %edi, %eax
        shl     $10, %eax
        mov     $stacks_top, %esp
        sub     %eax, %esp                     # 1 KiB of stack each
        mov     $irq, %eax                     # every vCPU writes the same gate
        mov     %ax, idt + VECTOR * 8
        movw    $0x08, idt + VECTOR * 8 + 2
        movw    $0x8e00, idt + VECTOR * 8 + 4
        shr     $16, %eax
        mov     %ax, idt + VECTOR * 8 + 6
        lidt    idtr
        movl    $0x1ff, LAPIC + 0xf0           # enable this vCPU's local APIC
        lea     FIRST_GSI(%edi), %ecx          # route pin 16 + i to this vCPU, edge, VECTOR
        call    ioapic_route

2:      cli                                    # check and sleep with IRQs masked: no lost wakeup
        cmpl    $0, STOP
        jne     4f
        mov     DATA(,%edi,8), %eax
        inc     %eax
        mov     %eax, DATA(,%edi,8)            # counted before it is made
        mov     %eax, DOORBELL(,%edi,8)        # ring
3:      cmp     %eax, TAKEN(,%edi,8)
        jae     2b
        sti                                    # sti; hlt: the interrupt wakes the hlt
        hlt
        cli
        jmp     3b

4:      lock incl STOPPED
        test    %edi, %edi
        jnz     6f
5:      pause
        cmpl    $VCPUS, STOPPED
        jne     5b
        movl    $0, EXIT
6:      cli
        hlt
        jmp     6b

# ioapic_route(ecx = pin): redirection entry = VECTOR, edge, fixed, to APIC id EDI; under a lock,
# since IOREGSEL is shared by all vCPUs
ioapic_route:
        mov     $1, %eax
1:      xchg    %eax, ioapic_lock
        test    %eax, %eax
        jz      2f
        pause
        mov     $1, %eax
        jmp     1b
2:      lea     0x11(%ecx,%ecx), %eax          # high half: destination
        mov     %eax, IOAPIC
        mov     %edi, %edx
        shl     $24, %edx
        mov     %edx, IOAPIC + 0x10
        dec     %eax                           # low half: vector, unmasked
        mov     %eax, IOAPIC
        movl    $VECTOR, IOAPIC + 0x10
        movl    $0, ioapic_lock
        ret

# IRQ: count in TAKEN[this vCPU], end of interrupt
irq:
        push    %eax
        mov     LAPIC + 0x20, %eax             # this vCPU's APIC id
        shr     $24, %eax
        incl    TAKEN(,%eax,8)
        movl    $0, LAPIC + 0xb0
        pop     %eax
        pushl   8(%esp)
        popfl
        ret     $8

        .balign 8
gdt:    .quad   0
        .quad   0x00cf9a000000ffff             # 0x08: flat 32-bit code
        .quad   0x00cf92000000ffff             # 0x10: flat data
gdtr:   .word   3 * 8 - 1
        .long   gdt
idtr:   .word   256 * 8 - 1
        .long   idt
        .balign 4
ioapic_lock: .long 0
        .balign 8
idt:    .space  256 * 8
        .space  4096
stacks_top:
