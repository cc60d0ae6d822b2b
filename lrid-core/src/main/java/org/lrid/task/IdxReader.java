package org.lrid.task;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.lrid.LridException;

/**
 * Reads the IDX files of MNIST-style datasets (gzip-compressed or plain), refusing anything
 * malformed.
 */
public final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /** Unsigned-byte images with their dimensions {n, rows, cols}. */
    public record Images(byte[] pixels, int count, int rows, int cols) {}

    public static Images readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw corrupt(
                        file,
                        String.format(
                                "magic number 0x%08x is not that of an image file (0x%08x)",
                                magic, IMAGES_MAGIC));
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            long size = (long) n * rows * cols;
            if (n < 0 || rows <= 0 || cols <= 0 || size > MAX_BYTES) {
                throw corrupt(
                        file,
                        "invalid dimensions " + n + "x" + rows + "x" + cols + " in the header");
            }
            byte[] pixels = readData(in, (int) size, "pixel", file);
            return new Images(pixels, n, rows, cols);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    public static byte[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw corrupt(
                        file,
                        String.format(
                                "magic number 0x%08x is not that of a label file (0x%08x)",
                                magic, LABELS_MAGIC));
            }
            int n = in.readInt();
            if (n < 0 || n > MAX_BYTES) {
                throw corrupt(file, "invalid label count " + n + " in the header");
            }
            return readData(in, n, "label", file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new LridException(
                    "missing data file "
                            + file
                            + "; install it (apt-get install dataset-fashion-mnist) or pass --data-dir");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        InputStream in = (b1 == 0x1f && b2 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
        return new DataInputStream(in);
    }

    /**
     * Exactly {@code size} bytes and then the end of the file. readNBytes grows its buffer as data
     * arrives, so a corrupt header that claims gigabytes costs no more memory than the file holds.
     */
    private static byte[] readData(DataInputStream in, int size, String what, Path file)
            throws IOException {
        byte[] data;
        try {
            data = in.readNBytes(size);
        } catch (EOFException e) {
            // a gzip stream cut short: the header was read whole, the data was not
            throw corrupt(
                    file,
                    "file ends inside its "
                            + what
                            + " data (expected "
                            + size
                            + " "
                            + what
                            + " bytes; the file is truncated)");
        }
        if (data.length < size) {
            throw corrupt(file, "expected " + size + " " + what + " bytes, found " + data.length);
        }
        if (in.read() >= 0) {
            throw corrupt(
                    file, "more than the " + size + " " + what + " bytes its header announces");
        }
        return data;
    }

    private static LridException corrupt(Path file, String problem) {
        return new LridException(
                "corrupt IDX file "
                        + file
                        + ": "
                        + problem
                        + "; re-install dataset-fashion-mnist or pass --data-dir");
    }

    private static LridException unreadable(Path file, IOException e) {
        if (e instanceof EOFException) {
            return corrupt(file, "file ends inside its header");
        }
        if (e instanceof ZipException) {
            return corrupt(file, "broken gzip stream (" + e.getMessage() + ")");
        }
        return new LridException("cannot read " + file + ": " + e.getMessage(), e);
    }
}
