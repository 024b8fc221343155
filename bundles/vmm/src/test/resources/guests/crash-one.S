// vCPU 1 executes an undefined instruction; every other vCPU spins: a crash of one vCPU must take
// the whole VM down (CRASHED) and return every vCPU thread, and touch no other VM.
        .text
_start:
        mrs     x0, mpidr_el1
        and     x0, x0, #0xff
        cmp     x0, #1
        b.eq    2f
1:      b       1b
2:      .word   0x00000000                    // UDF #0
