package llm.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import llm.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondWriterIsRefusedAtOnceWithTheHoldersPidAndStartTime() throws IOException {
        Path out = tmp.resolve("run");
        try (RunLock first = RunLock.acquire(out, "--out")) {
            String holder = Files.readString(out.resolve(RunLock.FILE));
            assertTrue(holder.startsWith("PID " + ProcessHandle.current().pid() + ", started 20"), holder);
            UserException e = assertThrows(UserException.class, () -> RunLock.acquire(out, "--resume"));
            assertEquals(UserException.USAGE, e.exitCode());
            assertEquals("--resume " + out + ": another llm train is writing to it (" + holder.strip()
                    + "): wait for it to finish, or choose another directory", e.getMessage());
            assertTrue(Files.isDirectory(out), "the refused writer leaves the holder's directory alone");
        }
        assertFalse(Files.exists(out), "released: the lock file and the directory the lock created are gone");
        try (RunLock again = RunLock.acquire(out, "--out")) {
            assertTrue(Files.exists(out.resolve(RunLock.FILE)), "free again once released");
        }
    }

    @Test
    void aDirectoryThatExistedStaysAndALockFileLeftByAKilledRunHoldsNothing() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(out.resolve(RunLock.FILE), "PID 1, started 2000-01-01T00:00:00Z\n"); // kill -9 left it
        try (RunLock lock = RunLock.acquire(out, "--out")) {
            assertTrue(Files.readString(out.resolve(RunLock.FILE)).startsWith("PID "
                    + ProcessHandle.current().pid() + ","), "the holder's line replaces the dead one's");
        }
        assertTrue(Files.isDirectory(out));
        assertFalse(Files.exists(out.resolve(RunLock.FILE)));
    }

    @Test
    void aFileIsNotADirectory() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        UserException e = assertThrows(UserException.class, () -> RunLock.acquire(file, "--out"));
        assertEquals("--out " + file + ": exists and is not a directory", e.getMessage());
        assertEquals(UserException.USAGE, e.exitCode());
    }
}
