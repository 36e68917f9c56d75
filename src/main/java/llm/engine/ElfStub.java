package llm.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal x86-64 Linux shared object whose exported functions each return a constant int: what
 * {@code cc -shared} makes of {@code int name(void) { return value; }} does the same, but this is written without a
 * compiler (and without section headers, symbol versions or anything else the dynamic loader does not need). {@link MklDispatch}
 * loads one to answer a question MKL asks libtorch's copy of itself.
 *
 * <p>Layout (System V gABI and the x86-64 psABI; no section headers, which the dynamic loader does not read):
 * <pre>
 *   page 0, R+X: ELF header | 4 program headers | .hash | .dynsym | .dynstr | code (mov eax, imm32; ret per function)
 *   page 1, R+W: .dynamic (glibc relocates its entries in place, so it must be writable)
 * </pre>
 * Program headers: the two loads, PT_DYNAMIC, and PT_GNU_STACK (without it the loader assumes an executable stack,
 * which recent glibc refuses to enable for {@code dlopen}).
 */
final class ElfStub {
    private static final int PAGE = 0x1000;
    private static final int EHDR = 64;
    private static final int PHDR = 56;
    private static final int SYM = 24;
    private static final int FUNC = 8; // mov eax, imm32 (5 bytes); ret (1); 2 bytes of padding

    private ElfStub() {}

    /**
     * The shared object's bytes.
     *
     * @param soname its DT_SONAME
     * @param functions exported function name → the int it returns, in symbol-table order
     */
    static byte[] sharedObject(String soname, Map<String, Integer> functions) {
        Map<String, Integer> fns = new LinkedHashMap<>(functions);
        int nsym = fns.size() + 1; // symbol 0 is the null symbol
        // .dynstr: "\0" soname "\0" name1 "\0" ...
        ByteBuffer strtab = le(ByteBuffer.allocate(1 + utf8(soname).length + 1
                + fns.keySet().stream().mapToInt(n -> utf8(n).length + 1).sum()));
        strtab.put((byte) 0);
        int sonameAt = strtab.position();
        strtab.put(utf8(soname)).put((byte) 0);
        int[] nameAt = new int[nsym];
        int i = 1;
        for (String n : fns.keySet()) {
            nameAt[i++] = strtab.position();
            strtab.put(utf8(n)).put((byte) 0);
        }

        int phnum = 4;
        int hashOff = EHDR + phnum * PHDR;
        int hashSize = 4 * (2 + 1 + nsym); // nbucket, nchain, one bucket, a chain entry per symbol
        int symOff = align(hashOff + hashSize, 8);
        int strOff = symOff + nsym * SYM;
        int codeOff = align(strOff + strtab.capacity(), 16);
        int textEnd = codeOff + fns.size() * FUNC;
        if (textEnd > PAGE) {
            throw new IllegalArgumentException("too many or too long function names for one page");
        }
        int dynOff = PAGE;
        long[][] dynamic = {
            {4, hashOff},                  // DT_HASH
            {5, strOff},                   // DT_STRTAB
            {6, symOff},                   // DT_SYMTAB
            {10, strtab.capacity()},       // DT_STRSZ
            {11, SYM},                     // DT_SYMENT
            {14, sonameAt},                // DT_SONAME
            {0, 0},                        // DT_NULL
        };
        int dynSize = dynamic.length * 16;

        ByteBuffer b = le(ByteBuffer.allocate(dynOff + dynSize));
        // ELF header
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* little-endian */, 1 /* version */, 0 /* SysV */});
        b.position(16);
        b.putShort((short) 3);             // e_type ET_DYN
        b.putShort((short) 62);            // e_machine EM_X86_64
        b.putInt(1);                       // e_version
        b.putLong(0);                      // e_entry
        b.putLong(EHDR);                   // e_phoff
        b.putLong(0);                      // e_shoff: no section headers
        b.putInt(0);                       // e_flags
        b.putShort((short) EHDR);          // e_ehsize
        b.putShort((short) PHDR);          // e_phentsize
        b.putShort((short) phnum);         // e_phnum
        b.putShort((short) 64);            // e_shentsize
        b.putShort((short) 0);             // e_shnum
        b.putShort((short) 0);             // e_shstrndx
        // program headers: type, flags, offset, vaddr, paddr, filesz, memsz, align
        programHeader(b, 1, 5, 0, textEnd, PAGE);              // PT_LOAD, R+X: headers, tables, code
        programHeader(b, 1, 6, dynOff, dynSize, PAGE);         // PT_LOAD, R+W: .dynamic
        programHeader(b, 2, 6, dynOff, dynSize, 8);            // PT_DYNAMIC
        programHeader(b, 0x6474e551, 6, 0, 0, 16);             // PT_GNU_STACK: not executable
        // .hash: one bucket holding symbol 1, chains link 1 -> 2 -> ... -> 0
        b.position(hashOff);
        b.putInt(1).putInt(nsym).putInt(nsym > 1 ? 1 : 0);
        for (int s = 0; s < nsym; s++) {
            b.putInt(s == 0 || s == nsym - 1 ? 0 : s + 1);
        }
        // .dynsym
        b.position(symOff + SYM); // symbol 0 stays zero
        int s = 1;
        for (int ignored : fns.values()) {
            b.putInt(nameAt[s]);                 // st_name
            b.put((byte) ((1 << 4) | 2));        // st_info: STB_GLOBAL, STT_FUNC
            b.put((byte) 0);                     // st_other: default visibility
            b.putShort((short) 1);               // st_shndx: defined (any index but SHN_UNDEF)
            b.putLong(codeOff + (long) (s - 1) * FUNC); // st_value
            b.putLong(6);                        // st_size
            s++;
        }
        b.position(strOff);
        b.put(strtab.array());
        // code
        b.position(codeOff);
        for (int value : fns.values()) {
            b.put((byte) 0xb8).putInt(value).put((byte) 0xc3).put((byte) 0x90).put((byte) 0x90);
        }
        // .dynamic
        b.position(dynOff);
        for (long[] d : dynamic) {
            b.putLong(d[0]).putLong(d[1]);
        }
        return b.array();
    }

    private static void programHeader(ByteBuffer b, int type, int flags, long offset, long size, long align) {
        b.putInt(type).putInt(flags).putLong(offset).putLong(offset).putLong(offset).putLong(size).putLong(size)
                .putLong(align);
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int align(int x, int a) {
        return (x + a - 1) / a * a;
    }
}
