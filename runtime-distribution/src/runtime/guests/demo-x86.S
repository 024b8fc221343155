# The demo guest for the KVM backend (32-bit x86), the twin of demo.S, on 2 vCPUs. The backend
# starts every vCPU here in flat protected mode with EDI = its vCPU id.
#   vCPU 0  greets on its console register, routes IOAPIC pin 16 (the doorbell SPI 0 = GSI 16)
#           to itself, then ROUNDS times rings the doorbell (an ioeventfd: KVM matches the write
#           in the kernel) and sleeps in HLT until the interrupt the VMM answers with (an irqfd)
#           has been taken; then it waits for vCPU 1 and writes its verdict to the exit
#           register: 0 when every ring was answered by exactly one interrupt.
#   vCPU 1  greets and says so.
# The interrupt handler returns with popfl + ret $8: PVM (software nested KVM) cannot emulate a
# 32-bit iret.
        .code32
        .equ CONSOLE,  0x09000000              # + 8 * vCPU: one byte per write
        .equ EXIT,     0x09001000              # the exit register: the guest's exit code
        .equ DOORBELL, 0x0a000000
        .equ ROUNDS,   8
        .equ LAPIC,    0xfee00000
        .equ IOAPIC,   0xfec00000
        .equ VECTOR,   0x40
        .equ PIN,      16

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
        test    %edi, %edi
        jnz     second

        mov     $irq, %eax                     # IDT gate VECTOR -> irq
        mov     %ax, idt + VECTOR * 8
        movw    $0x08, idt + VECTOR * 8 + 2
        movw    $0x8e00, idt + VECTOR * 8 + 4
        shr     $16, %eax
        mov     %ax, idt + VECTOR * 8 + 6
        lidt    idtr
        movl    $0x1ff, LAPIC + 0xf0           # enable the local APIC (spurious vector 0xff)
        movl    $(0x11 + 2 * PIN), IOAPIC      # pin 16: destination APIC id 0 ...
        movl    $0, IOAPIC + 0x10
        movl    $(0x10 + 2 * PIN), IOAPIC      # ... vector VECTOR, edge, unmasked
        movl    $VECTOR, IOAPIC + 0x10
        mov     $hello0, %esi
        call    puts
        xor     %ebx, %ebx                     # rings so far
2:      cmp     $ROUNDS, %ebx
        je      4f
        cli                                    # check and sleep with IRQs masked: no lost wakeup
        inc     %ebx
        mov     %ebx, DOORBELL                 # ring
3:      cmp     %ebx, taken
        jae     2b
        sti                                    # sti; hlt: the interrupt wakes the hlt
        hlt
        cli
        jmp     3b
4:      mov     $answered, %esi
        call    puts
5:      pause
        cmpl    $0, second_done
        je      5b
        xor     %eax, %eax
        cmpl    $ROUNDS, taken
        je      6f
        mov     $1, %eax
6:      mov     %eax, EXIT
7:      cli
        hlt
        jmp     7b

second:
        mov     $hello1, %esi
        call    puts
        movl    $1, second_done
8:      cli
        hlt
        jmp     8b

# puts(esi): the NUL-terminated string to this vCPU's console register
puts:
        movb    (%esi), %al
        test    %al, %al
        jz      9f
        movb    %al, CONSOLE(,%edi,8)
        inc     %esi
        jmp     puts
9:      ret

# IRQ: count, end of interrupt, return
irq:
        incl    taken
        movl    $0, LAPIC + 0xb0
        pushl   8(%esp)
        popfl
        ret     $8

hello0:   .asciz "Hello from the Gunyah demo guest on vCPU 0 (x86, KVM)"
hello1:   .asciz "Hello from vCPU 1\n"
answered: .asciz "\nvCPU 0: 8 doorbell rings, each answered by an interrupt\n"
        .balign 8
gdt:    .quad   0
        .quad   0x00cf9a000000ffff             # 0x08: flat 32-bit code
        .quad   0x00cf92000000ffff             # 0x10: flat data
gdtr:   .word   3 * 8 - 1
        .long   gdt
idtr:   .word   256 * 8 - 1
        .long   idt
        .balign 4
taken:       .long 0
second_done: .long 0
        .balign 8
idt:    .space  256 * 8
        .space  2048
stacks_top:
