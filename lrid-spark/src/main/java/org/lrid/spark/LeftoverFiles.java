package org.lrid.spark;

import java.nio.file.Path;
import java.util.List;
import org.lrid.AtomicFiles;
import org.lrid.store.DatasetSchema;

/**
 * The hidden temporary files ({@link org.lrid.AtomicFiles}' {@code .<name>.<random>.tmp}) that a
 * run's writes leave behind when their JVM is killed mid-write, as a lost executor is. No reader
 * sees them; they are removed when the run is attempted again and when the sweep has stored it.
 */
final class LeftoverFiles {

    private LeftoverFiles() {}

    /** Removes the temporary files of {@code runId}'s run row and trajectories. */
    static void remove(Path out, String runId) {
        for (Path dir : List.of(DatasetSchema.runs(out), DatasetSchema.trajectories(out))) {
            AtomicFiles.deleteLeftovers(dir.resolve(runId + ".parquet"));
        }
    }
}
