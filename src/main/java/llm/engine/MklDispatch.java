package llm.engine;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import llm.io.Log;

/**
 * Lets the MKL inside libtorch use its fast kernels on AMD CPUs.
 *
 * <p>libtorch does its CPU matrix products with Intel's MKL, which picks a code path per CPU at its first call. On a
 * CPU that does not say "GenuineIntel" it takes a generic path whatever the CPU can do: on this project's AMD EPYC
 * (Zen 5, AVX-512) an fp32 GEMM runs at 89 GFLOP/s per core on that path and at 207 on MKL's AVX-512 path, which the
 * CPU runs correctly (MKL chooses among its Intel paths by the CPU's feature flags, as on any Intel CPU).
 * MKL asks the question through an exported function, {@code mkl_serv_intel_cpu_true}, that libtorch calls through
 * its procedure linkage table. A shared object that defines the same function (returning 1) and is loaded into the
 * process's global scope before libtorch answers it instead; {@link ElfStub} writes one, without a compiler.
 *
 * <p>{@link #prepare}, called before libtorch starts ({@link Engines#engine}), writes the stub to an anonymous
 * memory file (or a temporary file), and opens it with {@code RTLD_GLOBAL} through JNA. Only on Linux, x86-64, with
 * an {@code AuthenticAMD} (or Hygon) CPU; {@code LLM_MKL_AMD=0} or {@code -Dllm.mkl.amd=false} turns it off (also
 * {@code false}, {@code no}, {@code off}). Results differ from the generic path's only by float rounding (another
 * summation order inside the products).
 */
public final class MklDispatch {
    /** CPU vendors that MKL keeps on its generic path although they run its Intel paths (Hygon: AMD's Zen). */
    static final String AMD = "AuthenticAMD";
    static final String HYGON = "HygonGenuine";
    /** The function MKL asks; the stub's only export. */
    static final String SYMBOL = "mkl_serv_intel_cpu_true";
    /** The stub's soname, and the prefix of its temporary file. */
    static final String FILE = "libllm-mkl-amd.so";
    private static final int RTLD_LAZY = 1;
    private static final int RTLD_NOW = 2;
    private static final int RTLD_NOLOAD = 4;
    private static final int RTLD_GLOBAL = 0x100;
    /** {@link #codePath} of MKL's generic kernels. */
    public static final String GENERIC = "generic";
    /** The cached answer where the loaded libtorch has no MKL (or it cannot be asked); {@link #codePath} says null. */
    private static final String NO_MKL = "";

    /** What {@link #prepare} found or did. */
    public enum State {
        /** Not an AMD x86-64 Linux machine: MKL's own choice is the right one. */
        NOT_NEEDED("MKL's own choice: not an AMD CPU on x86-64 Linux"),
        /** Turned off by the user. */
        OFF("MKL's own choice: LLM_MKL_AMD=0"),
        /** Loaded in-process before libtorch. */
        LOADED("Intel code paths on this AMD CPU"),
        /** Could not be loaded (reason in the debug log). */
        FAILED("MKL's own choice: the stub could not be loaded, -v says why"),
        /** {@link #prepare} has not run. */
        NOT_PREPARED("not checked");

        private final String description;

        State(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static State state = State.NOT_PREPARED;
    /**
     * The loaded stub, held for the life of the process: JNA closes a library whose {@link NativeLibrary} is
     * garbage-collected, and libtorch's calls would then jump into unmapped memory (or, before libtorch loaded, bind
     * to MKL's own answer; seen in the tests).
     */
    private static NativeLibrary stub;
    /** MKL's code path once asked ({@link #codePath}); it does not change during a process. */
    private static volatile String codePath;

    private MklDispatch() {}

    /** Do it once, before libtorch is loaded (later calls return the first result). */
    public static synchronized State prepare() {
        if (state != State.NOT_PREPARED) {
            return state;
        }
        state = decide(System.getProperty("os.name", ""), System.getProperty("os.arch", ""), cpuVendor(), enabled());
        if (state == State.LOADED) {
            state = load();
        }
        return state;
    }

    public static synchronized State state() {
        return state;
    }

    /**
     * The code path MKL chose in this process, asked from the loaded libtorch ({@code mkl_serv_cpu_detect}): "AVX-512",
     * "AVX2", "SSE4.2", {@value #GENERIC} or "branch N"; null before libtorch is loaded, or where it has no MKL (or
     * JNA cannot ask it). Asked once, then cached.
     */
    public static String codePath() {
        String known = codePath;
        if (known != null) {
            return known.equals(NO_MKL) ? null : known;
        }
        String dir = EnvReport.detectLibtorchDir();
        if (dir == null) {
            return null; // libtorch not loaded (yet)
        }
        try {
            // RTLD_NOLOAD: only the copy already in the process, and without RTLD_GLOBAL (JNA's default), which would
            // put libtorch's ~80,000 symbols into the scope of every library loaded after it
            int branch = NativeLibrary.getInstance(Path.of(dir, "libtorch_cpu.so").toString(),
                    Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_NOLOAD))
                    .getFunction("mkl_serv_cpu_detect").invokeInt(new Object[0]);
            codePath = codePathName(branch);
        } catch (LinkageError | RuntimeException e) {
            codePath = NO_MKL;
            return null;
        }
        return codePath;
    }

    /** MKL's branch numbers as its kernels are named in libtorch ({@code mkl_blas_<name>_sgemm_kernel...}). */
    static String codePathName(int branch) {
        return switch (branch) {
            case 0 -> GENERIC;
            case 3 -> "SSE4.2";
            case 5 -> "AVX2";
            case 7 -> "AVX-512";
            default -> "branch " + branch;
        };
    }

    /** The decision, from what {@link #prepare} reads: LOADED means "load it now". */
    static State decide(String osName, String osArch, String vendor, boolean enabled) {
        boolean linuxX64 = osName.toLowerCase(Locale.ROOT).contains("linux")
                && (osArch.equals("amd64") || osArch.equals("x86_64"));
        if (!linuxX64 || !(AMD.equals(vendor) || HYGON.equals(vendor))) {
            return State.NOT_NEEDED;
        }
        if (!enabled) {
            return State.OFF;
        }
        return State.LOADED;
    }

    /** The stub's bytes. */
    static byte[] stub() {
        return ElfStub.sharedObject(FILE, Map.of(SYMBOL, 1));
    }

    private static State load() {
        for (Source source : Source.values()) {
            try (Source.Opened where = source.open(stub())) {
                stub = openGlobal(where.path()); // in the global scope now: kept, whatever happens next
                where.loaded();
                // what libtorch's lazy binding will find: the first definition in the process's global scope
                if (NativeLibrary.getProcess().getFunction(SYMBOL).invokeInt(new Object[0]) != 1) {
                    return State.FAILED;
                }
                Log.debug("mkl: %s loaded with RTLD_GLOBAL from %s (%s)", SYMBOL, where.path(), source);
                return State.LOADED;
            } catch (IOException | LinkageError | RuntimeException e) { // LinkageError: also JNA that cannot start
                Log.debug("mkl: stub not loaded from %s (%s)", source, e.getMessage());
            }
        }
        return State.FAILED;
    }

    /** dlopen with RTLD_NOW | RTLD_GLOBAL, as {@link #prepare} opens the stub. */
    static NativeLibrary openGlobal(String path) {
        return NativeLibrary.getInstance(path, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL));
    }

    /**
     * Where the stub's bytes are put for {@code dlopen}: an anonymous memory file ({@code memfd_create}, Linux 3.17+,
     * glibc 2.27+; no file on disk, and not subject to a {@code noexec} /tmp), else a temporary file.
     */
    enum Source {
        MEMFD {
            private static final int MFD_CLOEXEC = 1;
            private static final int MFD_ALLOW_SEALING = 2;
            private static final int F_ADD_SEALS = 1033;
            private static final int F_SEAL_SEAL = 1;
            private static final int F_SEAL_SHRINK = 2;
            private static final int F_SEAL_GROW = 4;
            private static final int F_SEAL_WRITE = 8;

            @Override
            Opened open(byte[] bytes) throws IOException {
                NativeLibrary libc = NativeLibrary.getInstance("c");
                int fd = libc.getFunction("memfd_create")
                        .invokeInt(new Object[] {FILE, MFD_CLOEXEC | MFD_ALLOW_SEALING});
                if (fd < 0) {
                    throw new IOException("memfd_create failed");
                }
                Path path = Path.of("/proc/self/fd/" + fd);
                // once loaded, the descriptor stays open for the life of the process: the loader knows the library
                // by this path, and a later dlopen of the same path (the number reused) would get ours back
                Cleanup close = () -> libc.getFunction("close").invokeInt(new Object[] {fd});
                Opened opened = new Opened(path.toString(), close, () -> { });
                try {
                    Files.write(path, bytes);
                } catch (IOException e) {
                    opened.close();
                    throw e;
                }
                // no more writes, ever (the code is mapped from it); a kernel without seals just leaves it open
                libc.getFunction("fcntl").invokeInt(new Object[] {fd, F_ADD_SEALS,
                        F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE});
                return opened;
            }
        },
        TEMP_FILE {
            @Override
            Opened open(byte[] bytes) throws IOException {
                Path file = Files.createTempFile(FILE, ".so");
                Cleanup delete = () -> Files.deleteIfExists(file); // a loaded library's mapping outlives its file
                Opened opened = new Opened(file.toString(), delete, delete);
                try {
                    Files.write(file, bytes);
                } catch (IOException e) {
                    opened.close();
                    throw e;
                }
                return opened;
            }
        };

        abstract Opened open(byte[] bytes) throws IOException;

        /** A path to dlopen; {@link #close} undoes {@link #open} unless {@link #loaded} said it was loaded. */
        static final class Opened implements AutoCloseable {
            private final String path;
            private final Cleanup ifNotLoaded;
            private final Cleanup ifLoaded;
            private boolean loaded;

            Opened(String path, Cleanup ifNotLoaded, Cleanup ifLoaded) {
                this.path = path;
                this.ifNotLoaded = ifNotLoaded;
                this.ifLoaded = ifLoaded;
            }

            String path() {
                return path;
            }

            void loaded() {
                loaded = true;
            }

            @Override
            public void close() throws IOException {
                (loaded ? ifLoaded : ifNotLoaded).run();
            }
        }

        interface Cleanup {
            void run() throws IOException;
        }
    }

    private static boolean enabled() {
        return enabled(System.getProperty("llm.mkl.amd"), System.getenv("LLM_MKL_AMD"));
    }

    /** Off when either the property or the variable says 0, false, no or off (any case). */
    static boolean enabled(String property, String env) {
        return !isOff(property) && !isOff(env);
    }

    private static boolean isOff(String v) {
        return v != null && Set.of("0", "false", "no", "off").contains(v.trim().toLowerCase(Locale.ROOT));
    }

    /** {@code vendor_id} of the first CPU in /proc/cpuinfo, or "" where there is none. */
    static String cpuVendor() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("vendor_id")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
