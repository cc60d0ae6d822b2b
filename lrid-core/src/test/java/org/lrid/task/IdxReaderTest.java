package org.lrid.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.LridException;

class IdxReaderTest {

    @TempDir Path dir;

    static byte[] images(int n, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxReader.IMAGES_MAGIC);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            out.writeByte((i * 37) & 0xff);
        }
        return bytes.toByteArray();
    }

    static byte[] labels(int n) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(IdxReader.LABELS_MAGIC);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeByte(i % 10);
        }
        return bytes.toByteArray();
    }

    static Path gz(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return file;
    }

    /** A miniature Fashion-MNIST directory: n training and m test images of 28 x 28. */
    static Path fashionDir(Path dir, int n, int m) throws IOException {
        Files.createDirectories(dir);
        gz(dir.resolve("train-images-idx3-ubyte.gz"), images(n, 28, 28));
        gz(dir.resolve("train-labels-idx1-ubyte.gz"), labels(n));
        gz(dir.resolve("t10k-images-idx3-ubyte.gz"), images(m, 28, 28));
        gz(dir.resolve("t10k-labels-idx1-ubyte.gz"), labels(m));
        return dir;
    }

    @Test
    void readsGzipAndPlainFilesExactly() throws IOException {
        byte[] content = images(3, 4, 5);
        IdxReader.Images fromGz = IdxReader.readImages(gz(dir.resolve("a.gz"), content));
        Path plain = Files.write(dir.resolve("b"), content);
        IdxReader.Images fromPlain = IdxReader.readImages(plain);
        assertEquals(3, fromGz.count());
        assertEquals(4, fromGz.rows());
        assertEquals(5, fromGz.cols());
        byte[] expected = java.util.Arrays.copyOfRange(content, 16, content.length);
        assertArrayEquals(expected, fromGz.pixels());
        assertArrayEquals(expected, fromPlain.pixels());
        assertArrayEquals(
                new byte[] {0, 1, 2, 3}, IdxReader.readLabels(gz(dir.resolve("l.gz"), labels(4))));
    }

    @Test
    void refusesTruncatedFileNamingIt() throws IOException {
        byte[] content = images(10, 28, 28);
        Path file =
                gz(
                        dir.resolve("train-images-idx3-ubyte.gz"),
                        java.util.Arrays.copyOf(content, 1000));
        LridException e = assertThrows(LridException.class, () -> IdxReader.readImages(file));
        assertTrue(
                e.getMessage().contains(file.toString())
                        && e.getMessage().contains("expected 7840"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void refusesWrongMagicMissingFileAndBrokenGzip() throws IOException {
        Path labelsAsImages = gz(dir.resolve("x.gz"), labels(5));
        assertTrue(
                assertThrows(LridException.class, () -> IdxReader.readImages(labelsAsImages))
                        .getMessage()
                        .contains("magic number"));
        assertTrue(
                assertThrows(
                                LridException.class,
                                () -> IdxReader.readImages(dir.resolve("none.gz")))
                        .getMessage()
                        .startsWith("missing data file"));
        byte[] gzBytes = Files.readAllBytes(gz(dir.resolve("y.gz"), images(5, 28, 28)));
        Path broken =
                Files.write(
                        dir.resolve("z.gz"), java.util.Arrays.copyOf(gzBytes, gzBytes.length / 2));
        String message =
                assertThrows(LridException.class, () -> IdxReader.readImages(broken)).getMessage();
        assertTrue(message.startsWith("corrupt IDX file"), message);
        // the header (16 bytes) came whole: the stream ends in the pixels, and the message says so
        assertTrue(
                message.contains("ends inside its pixel data") && !message.contains("header"),
                message);
    }

    @Test
    void refusesTruncatedLabelsHugeHeadersAndTrailingDataNamingTheFile() throws IOException {
        byte[] l = labels(50);
        Path shortLabels =
                gz(dir.resolve("train-labels-idx1-ubyte.gz"), java.util.Arrays.copyOf(l, 30));
        LridException e =
                assertThrows(LridException.class, () -> IdxReader.readLabels(shortLabels));
        assertTrue(
                e.getMessage().contains(shortLabels.toString())
                        && e.getMessage().contains("expected 50 label bytes, found 22"),
                e.getMessage());

        // a header that claims 2^30 images must be refused without trying to allocate them
        byte[] huge = images(2, 28, 28);
        java.nio.ByteBuffer.wrap(huge).putInt(4, 1 << 30);
        Path hugeFile = gz(dir.resolve("huge.gz"), huge);
        e = assertThrows(LridException.class, () -> IdxReader.readImages(hugeFile));
        assertTrue(
                e.getMessage().contains(hugeFile.toString())
                        && e.getMessage().contains("invalid dimensions"),
                e.getMessage());
        byte[] big = images(2, 28, 28);
        java.nio.ByteBuffer.wrap(big).putInt(4, 1_000_000);
        Path bigFile = gz(dir.resolve("big.gz"), big);
        e = assertThrows(LridException.class, () -> IdxReader.readImages(bigFile));
        assertTrue(
                e.getMessage().contains("expected 784000000 pixel bytes, found 1568"),
                e.getMessage());

        byte[] extra = java.util.Arrays.copyOf(labels(5), labels(5).length + 3);
        Path extraFile = Files.write(dir.resolve("extra"), extra);
        e = assertThrows(LridException.class, () -> IdxReader.readLabels(extraFile));
        assertTrue(
                e.getMessage().contains(extraFile.toString())
                        && e.getMessage().contains("more than the 5"),
                e.getMessage());
    }

    @Test
    void errorsNameTheFileOnOneLine() throws IOException {
        Path imagesAsLabels = gz(dir.resolve("train-labels-idx1-ubyte.gz"), images(2, 3, 3));
        LridException wrongMagic =
                assertThrows(LridException.class, () -> IdxReader.readLabels(imagesAsLabels));
        assertTrue(
                wrongMagic.getMessage().contains(imagesAsLabels.toString())
                        && wrongMagic.getMessage().contains("0x00000803"),
                wrongMagic.getMessage());
        Path missing = dir.resolve("nowhere/t10k-images-idx3-ubyte.gz");
        LridException e = assertThrows(LridException.class, () -> IdxReader.readImages(missing));
        assertTrue(
                e.getMessage().contains(missing.toString())
                        && e.getMessage().contains("--data-dir"));
        Path headerOnly = Files.write(dir.resolve("header"), new byte[] {0, 0, 8, 3, 0, 0});
        e = assertThrows(LridException.class, () -> IdxReader.readImages(headerOnly));
        assertTrue(e.getMessage().contains("ends inside its header"), e.getMessage());
        for (LridException x : java.util.List.of(wrongMagic, e)) {
            assertEquals(1, x.getMessage().lines().count());
        }
        LridException missingDir =
                assertThrows(
                        LridException.class,
                        () ->
                                Tasks.create(
                                        "fashion-mnist",
                                        TaskOptions.DEFAULTS.withDataDir(dir.resolve("absent"))));
        assertTrue(
                missingDir.getMessage().contains(dir.resolve("absent").toString()),
                missingDir.getMessage());
    }

    @Test
    void fashionMnistTaskLoadsAMiniatureDirectoryAndRefusesMismatchedLabels() throws IOException {
        Path d = fashionDir(dir.resolve("ok"), 300, 50);
        Task task = Tasks.create("fashion-mnist", TaskOptions.DEFAULTS.withDataDir(d));
        assertArrayEquals(new long[] {1, 28, 28}, task.inputShape());
        Path bad = Files.createDirectories(dir.resolve("bad"));
        fashionDir(bad, 300, 50);
        gz(bad.resolve("train-labels-idx1-ubyte.gz"), labels(299));
        LridException e =
                assertThrows(
                        LridException.class,
                        () -> Tasks.create("fashion-mnist", TaskOptions.DEFAULTS.withDataDir(bad)));
        assertTrue(e.getMessage().contains("300 images but 299 labels"), e.getMessage());
    }
}
