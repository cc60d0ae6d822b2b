package org.lrid.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lrid.cli.Main;

/**
 * The main class of {@code spark-submit lrid-spark.jar SPEC --out DIR [options]}: {@code lrid
 * simulate} with {@code --engine spark}, on the master spark-submit names.
 */
public final class SubmitMain {

    private SubmitMain() {}

    public static void main(String[] args) {
        ExecutorJvm.configure();
        List<String> line = new ArrayList<>();
        line.add("simulate");
        line.addAll(Arrays.asList(args));
        if (line.stream().noneMatch(a -> a.equals("--engine") || a.startsWith("--engine="))) {
            line.add("--engine");
            line.add("spark");
        }
        System.exit(Main.execute(line.toArray(String[]::new)));
    }
}
