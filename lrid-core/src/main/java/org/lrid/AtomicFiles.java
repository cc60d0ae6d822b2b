package org.lrid;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one way lrid writes a file: into a uniquely named hidden temporary file beside the target,
 * then an atomic rename. A reader sees the whole file or none; two writers never share a temporary
 * file; the temporary file never outlives a failure. {@link #checkOutput} is the check every
 * command runs on its output paths before any work starts.
 */
public final class AtomicFiles {

    /** Writes the content of a file, given the temporary path to write it to. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws Exception;
    }

    private AtomicFiles() {}

    private static final String TEMP_SUFFIX = ".tmp";

    /**
     * The hidden temporary name a write of {@code target} starts from: {@code
     * .<name>.<random>.tmp}.
     */
    private static String tempPrefix(Path target) {
        return "." + target.getFileName() + ".";
    }

    /**
     * Deletes the temporary files that writes of {@code file} left behind when their JVM was killed
     * mid-write (best effort: no lrid reader sees them). Only for a file no live writer is writing.
     */
    public static void deleteLeftovers(Path file) {
        Path target = file.toAbsolutePath();
        if (!Files.isDirectory(target.getParent())) {
            return;
        }
        try (java.nio.file.DirectoryStream<Path> files =
                Files.newDirectoryStream(
                        target.getParent(), tempPrefix(target) + "*" + TEMP_SUFFIX)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // best effort
        }
    }

    /**
     * Writes {@code file} atomically.
     *
     * @param what what the file is, for the error message (e.g. "results file")
     * @throws LridException with one line naming the file when anything fails; nothing is left
     *     behind
     */
    public static void write(Path file, String what, Writer writer) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), tempPrefix(target), TEMP_SUFFIX);
            writer.write(tmp);
            Files.move(
                    tmp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (LridException e) {
            throw e;
        } catch (Exception e) {
            throw new LridException("cannot write " + what + " " + file + ": " + reason(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a hidden *.tmp is invisible to every lrid reader
                }
            }
        }
    }

    /**
     * Writes {@code file} atomically only if it does not exist yet: the content goes to a unique
     * temporary file, which is then hard-linked to its name, an operation that fails when the name
     * exists (on local and NFS file systems alike), so two writers racing for one name never both
     * succeed and never replace each other. Where the file system has no hard links, a move that
     * refuses an existing target is used instead (atomic against readers, but two writers in the
     * same instant may both pass its check).
     *
     * @return true if this call created {@code file}; false if it existed (nothing is changed then,
     *     and the temporary file is removed)
     * @throws LridException with one line naming the file when anything else fails; nothing is left
     *     behind
     */
    public static boolean writeNew(Path file, String what, Writer writer) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                return false;
            }
            tmp = Files.createTempFile(target.getParent(), tempPrefix(target), TEMP_SUFFIX);
            writer.write(tmp);
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                if (e instanceof java.nio.file.FileSystemException && Files.exists(target)) {
                    return false;
                }
                try {
                    Files.move(tmp, target); // no REPLACE_EXISTING: refuses an existing target
                    tmp = null;
                } catch (FileAlreadyExistsException exists) {
                    return false;
                }
            }
            return true;
        } catch (LridException e) {
            throw e;
        } catch (Exception e) {
            throw new LridException("cannot write " + what + " " + file + ": " + reason(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a hidden *.tmp is invisible to every lrid reader
                }
            }
        }
    }

    /** Writes a text file atomically (UTF-8). */
    public static void writeString(Path file, String what, String text) {
        write(
                file,
                what,
                tmp -> Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Checks, before any work, that {@code file} can be written: it is not a directory, and its
     * directory exists as a writable directory or can be created. Creates nothing.
     *
     * @param option the option that named the path, for the message (e.g. "--out")
     * @throws LridException saying what is wrong and how to fix it
     */
    public static void checkOutput(Path file, String option) {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new LridException(
                    option
                            + " "
                            + file
                            + " is a directory; give a file name, e.g. "
                            + file.resolve("out" + extension(file)));
        }
        if (Files.exists(target) && !Files.isWritable(target)) {
            throw new LridException(
                    option + " " + file + " exists and is not writable; choose another path");
        }
        checkDirectory(target.getParent(), option + " " + file);
    }

    /**
     * Checks, before any work, that {@code dir} is or can become a writable directory. Creates
     * nothing.
     */
    public static void checkOutputDirectory(Path dir, String option) {
        Path target = dir.toAbsolutePath();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new LridException(
                    option + " " + dir + " is a file, not a directory; choose a directory");
        }
        checkDirectory(target, option + " " + dir);
    }

    private static void checkDirectory(Path dir, String context) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new LridException("cannot create " + context + ": no part of its path exists");
        }
        if (!Files.isDirectory(existing)) {
            throw new LridException(
                    "cannot create " + context + ": " + existing + " is a file, not a directory");
        }
        if (!Files.isWritable(existing)) {
            throw new LridException(
                    "cannot write "
                            + context
                            + ": "
                            + existing
                            + " is not writable; choose a writable place");
        }
    }

    private static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot) : "";
    }

    private static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " is in the way";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }
}
