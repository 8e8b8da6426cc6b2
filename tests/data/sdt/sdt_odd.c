/*
 * sdt_odd.c - SDT notes whose argument strings are written by hand (no <sys/sdt.h>), to
 * see what an import does with forms a compiler rarely or never writes: constants mixed
 * with registers, scaled indexes, aarch64 stack operands split by a blank, no arguments.
 * Built with -DODD_BAD_SIZE it also carries a size outside -8..8, which makes perf drop
 * every note of the file.
 */
#define ODD_NOTE(provider, name, args)                                                   \
	__asm__ __volatile__("990: nop\n"                                                 \
			     ".pushsection .note.stapsdt,\"?\",\"note\"\n"                \
			     ".balign 4\n"                                               \
			     ".4byte 992f-991f, 994f-993f, 3\n"                          \
			     "991: .asciz \"stapsdt\"\n"                                  \
			     "992: .balign 4\n"                                          \
			     "993: .8byte 990b\n"                                        \
			     ".8byte _.stapsdt.base\n"                                   \
			     ".8byte 0\n"                                                \
			     ".asciz \"" provider "\"\n"                                  \
			     ".asciz \"" name "\"\n"                                      \
			     ".asciz \"" args "\"\n"                                      \
			     "994: .balign 4\n"                                          \
			     ".popsection\n")

__asm__(".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n"
	".weak _.stapsdt.base\n"
	".hidden _.stapsdt.base\n"
	"_.stapsdt.base: .space 1\n"
	".size _.stapsdt.base, 1\n"
	".popsection\n");

int main(void)
{
	ODD_NOTE("odd", "mixed", "-4@$5 8@%rax 8@(%rax,%rdx,8) -4@-4(%rbp) 4@%esi");
	ODD_NOTE("odd", "names", "1@%ah 2@%r8w 8@%rip 8@%xmm0 -8@%r15");
	ODD_NOTE("odd", "symbols", "-4@global_max(%rip) 8@24+mp_(%rip) 4@-0x10(%rbp)");
	ODD_NOTE("odd", "sizes", "3@%rax %rbx 0@%rcx abc@%rdx");
	ODD_NOTE("odd", "arm", "-4@[sp, 12] 8@x1 8@%rdi");
	ODD_NOTE("odd", "none", "");
	ODD_NOTE("odd", "mixed", "8@%rdi");
#ifdef ODD_BAD_SIZE
	ODD_NOTE("odd", "huge", "16@%rax");
#endif
	return 0;
}
