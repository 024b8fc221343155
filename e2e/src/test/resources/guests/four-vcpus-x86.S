# The end-to-end guest of the function bundles for the KVM backend: four-vcpus.S in 32-bit x86,
# on 4 vCPUs (told apart by EDI, the vCPU id the backend puts there):
#   vCPU 0  prints "boot\n", rings the ioeventfd doorbells (RINGS times at DB_ANY, RINGS times
#           the matching value at DB_MATCH, MISSES times a value nobody matches), waits until
#           vCPUs 1, 2 and 3 are done, then exits with status count1 * 1000 + count2 (port 0xf4).
#   vCPU 1  take IRQS interrupts, one at a time: each asks for the next through READY (an MMIO
#   vCPU 2  exit the host answers by signalling that vCPU's irqfd), then sleeps in HLT until its
#           handler has counted it. vCPU 1's doorbell (SPI 4 = GSI 20) is edge, vCPU 2's
#           (SPI 5 = GSI 21) level; each routes its own IOAPIC pin to itself.
#   vCPU 3  prints "3\n", says it is done and halts with interrupts off.
# Interrupt handlers return with popfl + ret $8, not iret: PVM's emulator cannot run a 32-bit iret.
        .code32
        .equ CONSOLE,     0x09000000
        .equ READY,       0x09000100        # + 8 * cpu: "ready for interrupt k" (k written)
        .equ DB_ANY,      0x09002000
        .equ DB_MATCH,    0x09002008
        .equ MATCH_VALUE, 0x5a
        .equ MISS_VALUE,  0x5b
        .equ RINGS,       100
        .equ MISSES,      3
        .equ IRQS,        50
        .equ EXIT_PORT,   0xf4
        .equ LAPIC,       0xfee00000
        .equ IOAPIC,      0xfec00000
        .equ VECTOR,      0x40
        .equ SPURIOUS,    0xff
        .equ FIRST_GSI,   16
        .equ SPI_BASE,    3                 # vCPU n (1 or 2) has SPI n + 3

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
        sub     %eax, %esp                  # 1 KiB of stack per vCPU
        mov     $irq, %eax                  # every vCPU writes the same gates: no ordering needed
        mov     $VECTOR, %ebx
        call    set_gate
        mov     $spurious, %eax
        mov     $SPURIOUS, %ebx
        call    set_gate
        lidt    idtr
        movl    $(0x100 | SPURIOUS), LAPIC + 0xf0   # software-enable this vCPU's local APIC
        cmp     $0, %edi
        je      cpu0
        cmp     $3, %edi
        je      cpu3
        jmp     counter

# ---- vCPU 0 ---------------------------------------------------------------------------
cpu0:
        mov     $boot_msg, %esi
        call    puts
        mov     $RINGS, %ecx
1:      movl    %ecx, DB_ANY                # no datamatch: any 4-byte write counts
        loop    1b
        mov     $RINGS, %ecx
2:      movl    $MATCH_VALUE, DB_MATCH
        loop    2b
        mov     $MISSES, %ecx
3:      movl    $MISS_VALUE, DB_MATCH       # exits to the VMM: nobody matches it
        loop    3b
4:      pause
        cmpl    $3, done                    # wait for vCPUs 1, 2 and 3
        jne     4b
        mov     counts + 4, %eax
        imul    $1000, %eax
        add     counts + 8, %eax
        out     %eax, $EXIT_PORT
5:      cli
        hlt
        jmp     5b

# ---- vCPUs 1 and 2 --------------------------------------------------------------------
counter:
        lea     (FIRST_GSI + SPI_BASE)(%edi), %ecx   # this vCPU's IOAPIC pin
        mov     $VECTOR, %edx
        cmp     $2, %edi
        jne     1f
        or      $0x8000, %edx               # vCPU 2's pin is level-triggered
1:      mov     %edi, %ebx
        shl     $24, %ebx                   # destination: this vCPU's APIC id
        call    ioapic_route
        xor     %esi, %esi                  # interrupts asked for
2:      cmp     $IRQS, %esi
        je      4f
        cli                                 # check and sleep with IRQs masked: no lost wakeup
        mov     %esi, READY(,%edi,8)        # ask for interrupt number esi
        inc     %esi
3:      cmp     %esi, counts(,%edi,4)
        jae     2b
        sti                                 # sti; hlt: the interrupt wakes the hlt
        hlt
        cli
        jmp     3b
4:      lock incl done
5:      cli
        hlt
        jmp     5b

# ---- vCPU 3 ---------------------------------------------------------------------------
cpu3:
        mov     $three_msg, %esi
        call    puts
        lock incl done                      # vCPU 0 exits the guest only after this line
1:      cli
        hlt
        jmp     1b

# puts(esi): bytes to CONSOLE until NUL
puts:
        movb    (%esi), %al
        test    %al, %al
        jz      1f
        movb    %al, CONSOLE
        inc     %esi
        jmp     puts
1:      ret

# set_gate(eax = handler, ebx = vector): a 32-bit interrupt gate in the IDT
set_gate:
        lea     idt(,%ebx,8), %ebx
        mov     %ax, (%ebx)
        movw    $0x08, 2(%ebx)
        movw    $0x8e00, 4(%ebx)
        shr     $16, %eax
        mov     %ax, 6(%ebx)
        ret

# ioapic_route(ecx = pin, edx = low word, ebx = high word), under a lock: IOREGSEL is shared
ioapic_route:
        mov     $1, %eax
1:      xchg    %eax, ioapic_lock
        test    %eax, %eax
        jz      2f
        pause
        mov     $1, %eax
        jmp     1b
2:      lea     0x11(%ecx,%ecx), %eax       # high half first, then the low half unmasks
        mov     %eax, IOAPIC
        mov     %ebx, IOAPIC + 0x10
        dec     %eax
        mov     %eax, IOAPIC
        mov     %edx, IOAPIC + 0x10
        movl    $0, ioapic_lock
        ret

# ---- interrupts -----------------------------------------------------------------------
irq:
        push    %eax
        mov     LAPIC + 0x20, %eax          # this vCPU's APIC id
        shr     $24, %eax
        incl    counts(,%eax,4)
        movl    $0, LAPIC + 0xb0            # EOI (for the level pin, KVM lowers the line now)
        pop     %eax
        pushl   8(%esp)                     # iret, without iret
        popfl
        ret     $8

spurious:
        pushl   8(%esp)
        popfl
        ret     $8

# ---- data -----------------------------------------------------------------------------
boot_msg:  .asciz "boot\n"
three_msg: .asciz "3\n"
        .balign 8
gdt:    .quad   0
        .quad   0x00cf9a000000ffff          # 0x08: flat 32-bit code
        .quad   0x00cf92000000ffff          # 0x10: flat data
gdtr:   .word   3 * 8 - 1
        .long   gdt
idtr:   .word   256 * 8 - 1
        .long   idt
        .balign 4
counts: .long   0, 0, 0, 0
done:   .long   0
ioapic_lock: .long 0
        .balign 8
idt:    .space  256 * 8
        .space  4096
stacks_top:
