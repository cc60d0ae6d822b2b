package org.lrid.identify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lrid.AtomicFiles;
import org.lrid.LridException;

/**
 * A fitted classifier with everything needed to apply it to new trajectories, and where it came
 * from.
 *
 * <p>File format ({@value #FORMAT}, version {@value #FORMAT_VERSION}): one JSON document,
 *
 * <pre>
 * {"format": "lrid-model", "format_version": 2,
 *  "classifier": "rf" | "svm" | "conv1d", "description": "...", "classes": ["adam", ...],
 *  "layout": {"observables": [...], "checkpoints": 21, "positions": ["early", "middle", "deep"],
 *             "order": "observable-major trajectories, then one-hot position"},
 *  "standardizer": {"mean": [...], "std": [...]},          (one value per feature column)
 *  "origin": {"dataset": "/abs/path", "dataset_hash": "sha256 of the training table", "runs": N,
 *             "filters": {...}, "include_diverged": false, "split": "twins", "seed": 0, "quick": true,
 *             "cv_folds": 5, "chosen": "hyperparameter label", "versions": {"lrid": ..., "commit": ..., ...}},
 *  "transform": "raw" | "first" | "logratio" | "zscore",   (see {@link Transform}, applied before z-scoring)
 *  "calibration": {"temperature": T, "novelty": {"k": 5, "quantile": 0.99, "threshold": d,
 *                  "reference": [[...], ...]}},            (see {@link Calibration}; rows z-scored)
 *  "model": {...}}
 * </pre>
 *
 * where "model" is, for "rf", the trees as arrays ({@link RandomForest.Arrays2}: per feature the
 * bin thresholds; per tree its nodes in preorder as [feature, split bin, left, right], feature -1
 * for a leaf, and the leaves' class probabilities, all keys in snake case); for "svm", {@code {"c",
 * "seed", "pca_components" (0 = none), "pca_used", "pca_mean", "pca_basis" (rows), "weights" (one
 * row per class, bias last)}}; for "conv1d", {@code {"hyperparameters", "seed", "parameters": [conv
 * kernel (filters, channels, kernel), conv bias, dense kernel (classes, inputs), dense bias], flat
 * row-major}}. Reading refuses another format or format version, and a layout other than this
 * build's (positions, order), each with a one-line error.
 */
public record SavedModel(
        String classifierName,
        String description,
        Classifier classifier,
        Standardizer standardizer,
        List<String> classes,
        FeatureLayout layout,
        Origin origin,
        Transform transform,
        Calibration calibration) {

    public static final String FORMAT = "lrid-model";
    public static final int FORMAT_VERSION = 2;

    /**
     * Version 1 files (no transform, no calibration) are read as raw features with T = 1 and no
     * novelty test.
     */
    public static final int FORMAT_VERSION_1 = 1;

    /**
     * How a feature row is laid out (see {@link FeatureLayout}); a saved model with another order
     * is refused.
     */
    public static final String LAYOUT_ORDER =
            "observable-major trajectories, then one-hot position";

    /**
     * What a model was trained on and with what.
     *
     * @param datasetHash SHA-256 of the training table (run ids, classes and feature values)
     */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Origin(
            String dataset,
            String datasetHash,
            int runs,
            Map<String, String> filters,
            boolean includeDiverged,
            String split,
            long seed,
            boolean quick,
            String chosen,
            Map<String, String> versions) {}

    public List<String> observables() {
        return layout.observables();
    }

    public int checkpoints() {
        return layout.checkpoints();
    }

    public void write(Path file) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("classifier", classifierName);
        root.put("description", description);
        root.set("classes", mapper.valueToTree(classes));
        ObjectNode l = root.putObject("layout");
        l.set("observables", mapper.valueToTree(layout.observables()));
        l.put("checkpoints", layout.checkpoints());
        l.set("positions", mapper.valueToTree(FeatureLayout.POSITIONS));
        l.put("order", LAYOUT_ORDER);
        ObjectNode z = root.putObject("standardizer");
        z.set("mean", mapper.valueToTree(standardizer.mean()));
        z.set("std", mapper.valueToTree(standardizer.std()));
        root.set("origin", mapper.valueToTree(origin));
        root.put("transform", transform.label());
        ObjectNode cal = root.putObject("calibration");
        cal.put("temperature", calibration.temperature());
        if (calibration.reference() != null) {
            ObjectNode nov = cal.putObject("novelty");
            nov.put("k", Calibration.K)
                    .put("quantile", Calibration.QUANTILE)
                    .put("threshold", calibration.threshold());
            nov.set("reference", mapper.valueToTree(calibration.reference()));
        }
        ObjectNode m = mapper.createObjectNode();
        if (classifier instanceof RandomForest rf) {
            m = mapper.valueToTree(rf.toArrays());
        } else if (classifier instanceof PcaSvm p) {
            m.put("c", p.svm().c());
            m.put("seed", p.svm().seed());
            m.put("pca_components", p.components());
            m.put("pca_used", p.componentsUsed());
            if (p.pca() != null) {
                m.set("pca_mean", mapper.valueToTree(p.pca().mean()));
                ArrayNode basis = m.putArray("pca_basis");
                for (int k = 0; k < p.componentsUsed(); k++) {
                    basis.add(mapper.valueToTree(p.pca().component(k)));
                }
            }
            m.set("weights", mapper.valueToTree(p.svm().weights()));
        } else if (classifier instanceof Conv1dClassifier c) {
            m.set("hyperparameters", mapper.valueToTree(c.hyperparameters()));
            m.put("seed", c.seed());
            m.set("parameters", mapper.valueToTree(c.parameters()));
        } else {
            throw new IllegalStateException(
                    "cannot save a " + classifier.getClass().getSimpleName());
        }
        root.set("model", m);
        AtomicFiles.write(file, "model", tmp -> mapper.writeValue(tmp.toFile(), root));
    }

    public static SavedModel read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LridException(
                    "no model at " + file + "; save one with 'lrid identify ... --save-model DIR'");
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new LridException(
                    "model "
                            + file
                            + " is not an lrid model (not JSON: "
                            + e.getMessage().lines().findFirst().orElse("")
                            + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new LridException(
                    "model " + file + " is not an lrid model (no \"format\": \"" + FORMAT + "\")");
        }
        int version = root.path("format_version").asInt(-1);
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_1) {
            throw new LridException(
                    "model "
                            + file
                            + " has format version "
                            + version
                            + "; this lrid reads versions "
                            + FORMAT_VERSION_1
                            + " and "
                            + FORMAT_VERSION
                            + "; fit it again with 'lrid identify ... --save-model DIR'");
        }
        try {
            JsonNode l = root.path("layout");
            List<String> positions = strings(l.path("positions"));
            if (!positions.equals(FeatureLayout.POSITIONS)
                    || !LAYOUT_ORDER.equals(l.path("order").asText())) {
                throw new LridException(
                        "model "
                                + file
                                + " has feature layout "
                                + positions
                                + " ("
                                + l.path("order").asText()
                                + "); this lrid uses "
                                + FeatureLayout.POSITIONS
                                + " ("
                                + LAYOUT_ORDER
                                + "); fit it again");
            }
            FeatureLayout layout =
                    new FeatureLayout(
                            strings(l.path("observables")), l.path("checkpoints").asInt());
            List<String> classes = strings(root.path("classes"));
            double[] mean =
                    mapper.treeToValue(root.path("standardizer").path("mean"), double[].class);
            double[] std =
                    mapper.treeToValue(root.path("standardizer").path("std"), double[].class);
            if (mean == null
                    || std == null
                    || mean.length != layout.width()
                    || std.length != layout.width()) {
                throw new LridException(
                        "model "
                                + file
                                + " has a z-scoring of "
                                + (mean == null ? 0 : mean.length)
                                + " columns where its layout has "
                                + layout.width());
            }
            JsonNode m = root.path("model");
            String name = root.path("classifier").asText();
            Classifier c =
                    switch (name) {
                        case "rf" -> {
                            RandomForest.Arrays2 a =
                                    mapper.treeToValue(m, RandomForest.Arrays2.class);
                            if (a.thresholds().length != layout.width()
                                    || a.classes() != classes.size()) {
                                throw new LridException(
                                        "model "
                                                + file
                                                + " has a forest over "
                                                + a.thresholds().length
                                                + " features and "
                                                + a.classes()
                                                + " classes where its layout has "
                                                + layout.width()
                                                + " and "
                                                + classes.size());
                            }
                            yield RandomForest.fromArrays(a);
                        }
                        case "svm" -> {
                            double[][] w = mapper.treeToValue(m.path("weights"), double[][].class);
                            int used = m.path("pca_used").asInt();
                            Pca pca = null;
                            if (m.has("pca_basis")) {
                                pca =
                                        Pca.of(
                                                mapper.treeToValue(
                                                        m.path("pca_mean"), double[].class),
                                                mapper.treeToValue(
                                                        m.path("pca_basis"), double[][].class));
                            }
                            int inputs =
                                    (pca == null ? layout.trajectoryWidth() : used)
                                            + FeatureLayout.POSITIONS.size();
                            if (w.length != classes.size() || w[0].length != inputs + 1) {
                                throw new LridException(
                                        "model "
                                                + file
                                                + " has SVM weights of "
                                                + w.length
                                                + " x "
                                                + w[0].length
                                                + " where its layout needs "
                                                + classes.size()
                                                + " x "
                                                + (inputs + 1));
                            }
                            LinearSvm svm =
                                    LinearSvm.restore(
                                            m.path("c").asDouble(), m.path("seed").asLong(), w);
                            yield PcaSvm.restore(
                                    layout, m.path("pca_components").asInt(), used, pca, svm);
                        }
                        case "conv1d" ->
                                Conv1dClassifier.restore(
                                        layout,
                                        mapper.treeToValue(
                                                m.path("hyperparameters"),
                                                Conv1dClassifier.Shape1d.class),
                                        m.path("seed").asLong(),
                                        classes.size(),
                                        mapper.treeToValue(m.path("parameters"), float[][].class));
                        default ->
                                throw new LridException(
                                        "model "
                                                + file
                                                + " has an unknown classifier '"
                                                + name
                                                + "'");
                    };
            Transform transform = Transform.parse(root.path("transform").asText("raw"));
            JsonNode cal = root.path("calibration");
            Calibration calibration =
                    new Calibration(
                            cal.path("temperature").asDouble(1), null, Double.POSITIVE_INFINITY);
            if (cal.has("novelty")) {
                double[][] reference =
                        mapper.treeToValue(cal.path("novelty").path("reference"), double[][].class);
                if (reference.length == 0 || reference[0].length != layout.width()) {
                    throw new LridException(
                            "model "
                                    + file
                                    + " has a novelty reference of "
                                    + reference.length
                                    + " rows not of its layout's "
                                    + layout.width()
                                    + " columns; fit it again");
                }
                calibration =
                        new Calibration(
                                calibration.temperature(),
                                reference,
                                cal.path("novelty").path("threshold").asDouble());
            }
            return new SavedModel(
                    name,
                    root.path("description").asText(),
                    c,
                    Standardizer.of(mean, std),
                    classes,
                    layout,
                    mapper.treeToValue(root.path("origin"), Origin.class),
                    transform,
                    calibration);
        } catch (JsonProcessingException
                | IllegalArgumentException
                | NullPointerException
                | ArrayIndexOutOfBoundsException e) {
            throw new LridException(
                    "model "
                            + file
                            + " is damaged ("
                            + e.getClass().getSimpleName()
                            + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                            + "); fit it again");
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The origin of a model fitted on every example of a table. */
    static Origin origin(
            FeatureTable t,
            java.nio.file.Path dir,
            Map<String, String> filters,
            boolean includeDiverged,
            String split,
            long seed,
            boolean quick,
            String chosen) {
        return new Origin(
                dir.toAbsolutePath().toString(),
                t.contentHash(),
                (int) java.util.Arrays.stream(t.groups()).distinct().count(),
                new LinkedHashMap<>(filters),
                includeDiverged,
                split,
                seed,
                quick,
                chosen,
                org.lrid.Provenance.versions());
    }
}
