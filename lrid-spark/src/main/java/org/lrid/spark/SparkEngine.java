package org.lrid.spark;

import java.nio.file.Path;
import org.lrid.zoo.SweepEngine;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;

/**
 * {@code --engine spark}: the provider {@link java.util.ServiceLoader} finds. It touches no Spark
 * class itself, so that listing the engines loads nothing of Spark; {@link SparkSweep} does the
 * work.
 */
public final class SparkEngine implements SweepEngine {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public SweepRunner.Summary run(SweepSpec spec, Path out, Settings settings, Progress progress) {
        return SparkSweep.run(spec, out, settings, progress);
    }
}
