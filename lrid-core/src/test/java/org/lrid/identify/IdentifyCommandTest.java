package org.lrid.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrid.LridException;
import org.lrid.observe.Observables;
import org.lrid.store.Condition;
import org.lrid.zoo.SweepRunner;
import org.lrid.zoo.SweepSpec;

/** Feature tables from a real (small) simulated dataset, and the identify command on it. */
class IdentifyCommandTest {

    @TempDir static Path dir;

    static Path data;

    @BeforeAll
    static void simulate() throws Exception {
        // the two rules get different seeds: networks of two rules that share an init seed are near
        // twins
        // early on, and a classifier matches a test network to its training twin of the other rule
        data = dir.resolve("data");
        for (String[] ruleSeeds :
                new String[][] {
                    {"sgdm", "0, 1, 2, 3, 4, 5, 6, 7"}, {"adam", "10, 11, 12, 13, 14, 15, 16, 17"}
                }) {
            Path spec =
                    Files.writeString(
                            dir.resolve(ruleSeeds[0] + ".yaml"),
                            """
                    steps: 300
                    checkpoints: 6
                    rules: [%s]
                    architectures: [{family: mlp, width: 16, depth: 2}]
                    tasks: [gaussian-mixture]
                    batch_sizes: [32]
                    seeds: [%s]
                    task_options: {train_limit: 2000, test_limit: 300}
                    """
                                    .formatted(ruleSeeds[0], ruleSeeds[1]));
            new SweepRunner(data, 2, "test").run(SweepSpec.read(spec), null);
        }
    }

    @Test
    void oneExamplePerRunAndLayerWithTrajectoriesAndPosition() {
        List<String> obs = Observables.select("weight");
        FeatureTable t = FeatureTable.load(data, obs, Map.of(), false, Condition.FULL);
        assertEquals(16 * 3, t.x().length);
        assertEquals(6, t.checkpoints());
        assertEquals(obs.size() * 6 + 3, t.x()[0].length);
        assertEquals(List.of("adam", "sgdm"), t.classes());
        for (double[] row : t.x()) {
            double oneHot = 0;
            for (String position : FeatureLayout.POSITIONS) {
                oneHot += row[t.layout().positionColumn(position)];
            }
            assertEquals(1, oneHot, 1e-12);
        }
        assertEquals(
                8 * 3,
                FeatureTable.load(data, obs, Map.of("rule", "adam"), false, Condition.FULL)
                        .x()
                        .length);
    }

    @Test
    void badSelectionsAreRefused() {
        List<String> obs = Observables.select("act");
        assertTrue(
                assertThrows(
                                LridException.class,
                                () ->
                                        FeatureTable.load(
                                                data,
                                                obs,
                                                Map.of("rule", "kp"),
                                                false,
                                                Condition.FULL))
                        .getMessage()
                        .startsWith("the selection is empty"));
        assertTrue(
                assertThrows(
                                LridException.class,
                                () ->
                                        FeatureTable.load(
                                                data,
                                                obs,
                                                Map.of("colour", "red"),
                                                false,
                                                Condition.FULL))
                        .getMessage()
                        .startsWith("cannot filter on 'colour'"));
        assertTrue(
                assertThrows(LridException.class, () -> Observables.select("weightabs_mode"))
                        .getMessage()
                        .startsWith("unknown observable 'weightabs_mode'"));
        assertTrue(
                assertThrows(
                                LridException.class,
                                () ->
                                        FeatureTable.load(
                                                dir.resolve("nothing"),
                                                obs,
                                                Map.of(),
                                                false,
                                                Condition.FULL))
                        .getMessage()
                        .startsWith("no lrid dataset in"));
    }

    @Test
    void subsamplingTakesEvenlySpacedCheckpointsFromOneStart() {
        FeatureTable t =
                FeatureTable.load(
                        data,
                        List.of("weightraw_norm", "actraw_mean"),
                        Map.of(),
                        false,
                        Condition.FULL);
        FeatureTable sub = t.subsample(3, 2, 9);
        assertEquals(2 * 3 + 3, sub.x()[0].length);
        for (int i = 0; i < t.x().length; i++) {
            int start = -1;
            for (int s = 0; s + 4 < 6; s++) {
                if (t.x()[i][s] == sub.x()[i][0]
                        && t.x()[i][s + 2] == sub.x()[i][1]
                        && t.x()[i][s + 4] == sub.x()[i][2]) {
                    start = s;
                }
            }
            assertTrue(start >= 0, "row " + i + " is not 3 points 2 apart");
            assertEquals(
                    t.x()[i][6 + start + 4],
                    sub.x()[i][3 + 2],
                    0); // the second observable, same start
        }
        assertThrows(LridException.class, () -> t.subsample(5, 2, 1));
    }

    @Test
    void everyExperimentRunsAndWritesItsCells() throws Exception {
        Path out = dir.resolve("results").resolve("all.json");
        int code =
                org.lrid.cli.Main.execute(
                        "identify",
                        data.toString(),
                        "--experiment",
                        "all",
                        "--quick",
                        "--splits",
                        "2",
                        "--classifiers",
                        "rf",
                        "--observables",
                        "weight",
                        "--rules",
                        "sgdm,adam",
                        "--out",
                        out.toString());
        assertEquals(0, code);
        JsonNode cells = new ObjectMapper().readTree(out.toFile()).get("cells");
        java.util.Set<String> experiments = new java.util.HashSet<>();
        cells.forEach(c -> experiments.add(c.get("experiment").asText()));
        // generalize is skipped: this dataset has one architecture and one task
        assertEquals(
                java.util.Set.of("separability", "subsample", "noise", "importance"), experiments);
        JsonNode importance = null;
        for (JsonNode c : cells) {
            if (c.get("experiment").asText().equals("importance")) {
                importance = c.get("importances");
            }
        }
        assertEquals(13, importance.size());
    }

    @Test
    void exportThenPredictReproducesInSamplePredictions() throws Exception {
        Path models = dir.resolve("models");
        Path results = dir.resolve("results").resolve("m.json");
        assertEquals(
                0,
                org.lrid.cli.Main.execute(
                        "identify",
                        data.toString(),
                        "--quick",
                        "--splits",
                        "2",
                        "--classifiers",
                        "rf,svm,conv1d",
                        "--observables",
                        "weight,all",
                        "--out",
                        results.toString(),
                        "--save-model",
                        models.toString()));
        Path csv = dir.resolve("long.csv");
        assertEquals(
                0, org.lrid.cli.Main.execute("export", data.toString(), "--out", csv.toString()));
        for (String c : List.of("rf", "svm", "conv1d")) {
            SavedModel model = SavedModel.read(models.resolve(c + ".model"));
            FeatureTable t =
                    FeatureTable.load(data, model.observables(), Map.of(), false, Condition.FULL);
            int[] all = java.util.stream.IntStream.range(0, t.x().length).toArray();
            int[] direct = model.classifier().predict(model.standardizer().apply(t.x(), all));
            Predictor.Prediction p = Predictor.predict(model, csv);
            assertEquals(t.x().length, p.layers().size());
            Map<String, String> viaFile = new java.util.HashMap<>();
            for (Predictor.Verdict v : p.layers()) {
                viaFile.put(v.network() + "#" + v.layer(), v.predicted());
            }
            for (int i = 0; i < all.length; i++) {
                // the table's rows are in (run, layer) order, like the file's
                String key = t.groups()[i] + "#" + (i % 3);
                assertEquals(t.classes().get(direct[i]), viaFile.get(key), c + " " + key);
            }
            assertTrue(p.networkAccuracy() != null && p.layerAccuracy() != null);
        }
        // a file from elsewhere with a column missing, or without an observable the model needs
        Path broken =
                Files.writeString(
                        dir.resolve("broken.csv"),
                        "network,layer,checkpoint,observable,value\nn,0,0,x,1\n");
        assertTrue(
                assertThrows(
                                LridException.class,
                                () ->
                                        Predictor.predict(
                                                SavedModel.read(models.resolve("rf.model")),
                                                broken))
                        .getMessage()
                        .contains("lacks the columns [layer_position]"));
        Path partial =
                Files.writeString(
                        dir.resolve("partial.csv"),
                        "network,layer,layer_position,checkpoint,observable,value\nn,0,early,0,weightraw_mean,1\n");
        assertTrue(
                assertThrows(
                                LridException.class,
                                () ->
                                        Predictor.predict(
                                                SavedModel.read(models.resolve("rf.model")),
                                                partial))
                        .getMessage()
                        .contains("lacks observables the model needs"));
    }

    @Test
    void aTransformedModelAppliesItsTransformAndCalibrationToOutsideTrajectories()
            throws Exception {
        Path models = dir.resolve("zmodels");
        Path results = dir.resolve("results").resolve("z.json");
        assertEquals(
                0,
                org.lrid.cli.Main.execute(
                        "identify",
                        data.toString(),
                        "--quick",
                        "--splits",
                        "2",
                        "--classifiers",
                        "rf",
                        "--observables",
                        "weight",
                        "--transform",
                        "zscore",
                        "--out",
                        results.toString(),
                        "--save-model",
                        models.toString()));
        JsonNode cell = new ObjectMapper().readTree(results.toFile()).get("cells").get(0);
        assertEquals(10, cell.get("reliability").size());
        assertTrue(
                cell.get("brier_mean").asDouble() >= 0
                        && cell.get("brier_calibrated_mean").asDouble() >= 0);
        SavedModel model = SavedModel.read(models.resolve("rf.model"));
        assertEquals(Transform.ZSCORE, model.transform());
        assertTrue(
                model.calibration().temperature() > 0 && model.calibration().reference() != null);
        Path csv = dir.resolve("zlong.csv");
        assertEquals(
                0, org.lrid.cli.Main.execute("export", data.toString(), "--out", csv.toString()));
        FeatureTable t =
                FeatureTable.load(data, model.observables(), Map.of(), false, Condition.FULL);
        int[] all = java.util.stream.IntStream.range(0, t.x().length).toArray();
        double[][] xz = model.standardizer().apply(Transform.ZSCORE.apply(t.x(), t.layout()), all);
        double[][] direct = model.calibration().apply(model.classifier().predictProba(xz));
        Predictor.Prediction p = Predictor.predict(model, csv);
        for (int i = 0; i < all.length; i++) {
            Predictor.Verdict v = p.layers().get(i);
            assertEquals(t.groups()[i], v.network());
            assertEquals(direct[i][0], v.probabilities().get(t.classes().get(0)), 1e-9);
        }
        // the training networks are inside the training data
        assertTrue(p.unknownFraction() <= 0.2, "unknown fraction " + p.unknownFraction());
    }

    @Test
    void separabilityWritesResultsAndTheJsonLine() throws Exception {
        Path out = dir.resolve("results").resolve("sep.json");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int code;
        try {
            System.setOut(new java.io.PrintStream(bytes, true));
            code =
                    org.lrid.cli.Main.execute(
                            "identify",
                            data.toString(),
                            "--quick",
                            "--splits",
                            "3",
                            "--observables",
                            "weight,act",
                            "--out",
                            out.toString(),
                            "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        JsonNode results = new ObjectMapper().readTree(out.toFile());
        assertEquals(4, results.get("cells").size());
        List<String> lines = bytes.toString().lines().toList();
        JsonNode line = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals("separability", line.get("experiment").asText());
        assertEquals(4, line.get("summary").size());
        for (JsonNode cell : line.get("summary")) {
            // adam and sgdm leave very different trajectories: far above the 0.5 of chance
            assertTrue(cell.get("accuracy_mean").asDouble() > 0.7, cell.toString());
        }
    }

    record Run(int code, String out, String err) {
        List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("lrid:")).toList();
        }
    }

    static Run run(String... args) {
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(
                    new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            int code = org.lrid.cli.Main.execute(args);
            return new Run(
                    code,
                    out.toString(java.nio.charset.StandardCharsets.UTF_8),
                    err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Every file under a directory with its size and modification time. */
    static Map<String, String> snapshot(Path root) throws java.io.IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(
                        root.relativize(p).toString(),
                        Files.isDirectory(p)
                                ? "dir"
                                : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return files;
    }

    /**
     * Runs a command that must fail with one line, exit 2, no cell computed and nothing written
     * under dir.
     */
    static Run assertRefused(String expected, String... args) throws Exception {
        Map<String, String> before = snapshot(dir);
        Run r = run(args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).contains(expected), r.errorLines().get(0));
        assertTrue(!r.err().contains("\tat org.") && !r.err().contains("Exception"), r.err());
        assertTrue(!r.out().contains("accuracy"), "work started before the refusal: " + r.out());
        assertEquals(before, snapshot(dir));
        return r;
    }

    @Test
    void badOutputPathsAndNamesAreRefusedBeforeAnyWork() throws Exception {
        Path existing = Files.createDirectories(dir.resolve("an-existing-directory"));
        assertRefused(
                "--out " + existing + " is a directory",
                "identify",
                data.toString(),
                "--quick",
                "--splits",
                "1",
                "--out",
                existing.toString());
        Path file = Files.writeString(dir.resolve("a-file.txt"), "in the way");
        assertRefused(
                "is a file, not a directory",
                "identify",
                data.toString(),
                "--quick",
                "--splits",
                "1",
                "--out",
                file.resolve("r.json").toString());
        assertRefused(
                "--save-model " + file + " is a file",
                "identify",
                data.toString(),
                "--quick",
                "--splits",
                "1",
                "--out",
                dir.resolve("r.json").toString(),
                "--save-model",
                file.toString());
        assertRefused(
                "unknown observable 'bogus'",
                "identify",
                data.toString(),
                "--quick",
                "--splits",
                "1",
                "--observables",
                "weight,bogus",
                "--out",
                dir.resolve("r.json").toString());
        assertRefused(
                "unknown classifier 'knn'",
                "identify",
                data.toString(),
                "--quick",
                "--classifiers",
                "rf,knn",
                "--out",
                dir.resolve("r.json").toString());
        assertRefused(
                "unknown experiment 'sepability'",
                "identify",
                data.toString(),
                "--experiment",
                "sepability",
                "--out",
                dir.resolve("r.json").toString());
        assertRefused(
                "--split must be groups, twins or rows",
                "identify",
                data.toString(),
                "--split",
                "runs",
                "--out",
                dir.resolve("r.json").toString());
        assertRefused(
                "no lrid dataset in",
                "identify",
                dir.resolve("no-data").toString(),
                "--quick",
                "--out",
                dir.resolve("r.json").toString());
        assertRefused(
                "cannot filter on 'colour'",
                "identify",
                data.toString(),
                "--quick",
                "--filter",
                "colour=red",
                "--out",
                dir.resolve("r.json").toString());
    }

    @Test
    void readOnlyOutputsAreRefusedBeforeAnyWork() throws Exception {
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        try {
            readOnly.toFile().setWritable(false, false);
            // root writes anywhere: the check can only be seen failing as another user
            org.junit.jupiter.api.Assumptions.assumeFalse(
                    Files.isWritable(readOnly), "running as root");
            assertRefused(
                    "not writable",
                    "identify",
                    data.toString(),
                    "--quick",
                    "--out",
                    readOnly.resolve("r.json").toString());
            assertRefused(
                    "not writable",
                    "identify",
                    data.toString(),
                    "--quick",
                    "--out",
                    dir.resolve("r.json").toString(),
                    "--save-model",
                    readOnly.resolve("models").toString());
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
    }

    @Test
    void predictRefusesNonFiniteValuesDuplicatesAndUnknownRules() throws Exception {
        Path models = dir.resolve("predict-models");
        assertEquals(
                0,
                run(
                                "identify",
                                data.toString(),
                                "--quick",
                                "--splits",
                                "1",
                                "--classifiers",
                                "rf",
                                "--observables",
                                "weight",
                                "--out",
                                dir.resolve("predict-results.json").toString(),
                                "--save-model",
                                models.toString(),
                                "--json")
                        .code());
        Path csv = dir.resolve("predict-long.csv");
        assertEquals(0, run("export", data.toString(), "--out", csv.toString()).code());
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        int value = header.indexOf("value");
        int observable = header.indexOf("observable");
        int rule = header.indexOf("rule");
        int row = 1;
        while (!lines.get(row).split(",")[observable].equals("weightraw_norm")) {
            row++;
        }
        String model = models.resolve("rf.model").toString();
        assertEquals(0, run("predict", "--model", model, "--trajectories", csv.toString()).code());
        for (String bad : List.of("Infinity", "inf", "-inf", "NaN")) {
            List<String> edited = new java.util.ArrayList<>(lines);
            String[] cells = edited.get(row).split(",", -1);
            cells[value] = bad;
            edited.set(row, String.join(",", cells));
            Path f = Files.write(dir.resolve("predict-" + bad + ".csv"), edited);
            assertRefused(
                    "every value must be a finite number",
                    "predict",
                    "--model",
                    model,
                    "--trajectories",
                    f.toString());
        }
        List<String> twice = new java.util.ArrayList<>(lines);
        String[] cells = twice.get(row).split(",", -1);
        cells[value] = "12345.5";
        twice.add(String.join(",", cells));
        Path dup = Files.write(dir.resolve("predict-dup.csv"), twice);
        assertRefused(
                "has two values of weightraw_norm",
                "predict",
                "--model",
                model,
                "--trajectories",
                dup.toString());
        // the same value twice is one measurement
        List<String> same = new java.util.ArrayList<>(lines);
        same.add(lines.get(row));
        Path sameFile = Files.write(dir.resolve("predict-same.csv"), same);
        assertEquals(
                0, run("predict", "--model", model, "--trajectories", sameFile.toString()).code());
        assertTrue(rule >= 0, "the export has a rule column");
        List<String> renamed = new java.util.ArrayList<>(lines);
        String[] r1 = renamed.get(row).split(",", -1);
        r1[rule] = "hebbian";
        renamed.set(row, String.join(",", r1));
        Path unknown = Files.write(dir.resolve("predict-rule.csv"), renamed);
        assertRefused(
                "rule 'hebbian', which the model does not know",
                "predict",
                "--model",
                model,
                "--trajectories",
                unknown.toString());
    }

    @Test
    void aSavedModelRecordsItsOriginAndRefusesAnotherFormatOrLayout() throws Exception {
        Path models = dir.resolve("origin-models");
        assertEquals(
                0,
                run(
                                "identify",
                                data.toString(),
                                "--quick",
                                "--splits",
                                "1",
                                "--classifiers",
                                "svm",
                                "--observables",
                                "act",
                                "--out",
                                dir.resolve("origin.json").toString(),
                                "--save-model",
                                models.toString(),
                                "--json")
                        .code());
        Path file = models.resolve("svm.model");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals(SavedModel.FORMAT_VERSION, json.get("format_version").asInt());
        JsonNode origin = json.get("origin");
        assertEquals(data.toAbsolutePath().toString(), origin.get("dataset").asText());
        assertEquals(64, origin.get("dataset_hash").asText().length());
        assertEquals(16, origin.get("runs").asInt());
        assertEquals("twins", origin.get("split").asText());
        assertEquals(org.lrid.Provenance.VERSION, origin.get("versions").get("lrid").asText());
        SavedModel m = SavedModel.read(file);
        FeatureTable t =
                FeatureTable.load(
                        data, m.observables(), Map.of(), false, org.lrid.store.Condition.FULL);
        assertEquals(t.contentHash(), m.origin().datasetHash());
        assertEquals(t.layout(), m.layout());
        String text = Files.readString(file);
        Path old =
                Files.writeString(
                        dir.resolve("old.model"),
                        text.replace("\"format_version\":2", "\"format_version\":0"));
        assertTrue(
                assertThrows(LridException.class, () -> SavedModel.read(old))
                        .getMessage()
                        .contains("has format version 0; this lrid reads versions 1 and 2"));
        Path other =
                Files.writeString(
                        dir.resolve("other.model"),
                        text.replace(
                                "\"early\",\"middle\",\"deep\"", "\"deep\",\"middle\",\"early\""));
        assertTrue(
                assertThrows(LridException.class, () -> SavedModel.read(other))
                        .getMessage()
                        .contains("has feature layout [deep, middle, early]"));
        Path java =
                Files.write(dir.resolve("java.model"), new byte[] {(byte) 0xac, (byte) 0xed, 0, 5});
        assertTrue(
                assertThrows(LridException.class, () -> SavedModel.read(java))
                        .getMessage()
                        .contains("is not an lrid model"));
    }
}
