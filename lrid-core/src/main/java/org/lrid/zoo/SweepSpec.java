package org.lrid.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.lrid.LridException;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Init;
import org.lrid.observe.RecordingCondition;
import org.lrid.rule.Hyperparameter;
import org.lrid.rule.Rules;
import org.lrid.task.Tasks;

/**
 * A sweep: the grid rules x architectures x tasks x batch sizes x seeds (x samples), read from YAML
 * and checked whole before any run starts. Every error names the offending key.
 *
 * <pre>
 * name: mini
 * steps: 600                      # or per task: {fashion-mnist: 600, contrastive: 1000}
 * checkpoints: 21
 * rules: [sgdm, adam, fa, {name: ia, set: {amp: 0.004}}]
 * architectures: [mlp, {family: mlp, width: 128, depth: 2}, convnet]
 * tasks: [fashion-mnist, contrastive]
 * batch_sizes: [128]
 * seeds: [0, 1, 2]
 * conditions: [{fraction: 0.5, sigma: 0}, {fraction: 1, sigma: 0.1, seed: 3}]
 * task_options: {train_limit: 10000, test_limit: 2000}
 * </pre>
 *
 * <p><b>Randomised zoos</b> (science.md section 7). A rule's hyperparameter in {@code set:}, an
 * architecture's {@code init_scale} and an entry of {@code batch_sizes} may be a {@link
 * Distribution} instead of a value: {@code {uniform: [lo, hi]}}, {@code {loguniform: [lo, hi]}} (lo
 * &gt; 0) or {@code {choice: [a, b, ...]}}. {@code samples: K} (default 1) draws K runs per grid
 * cell (rule x architecture x task x batch-size entry x seed). Each run stores its drawn values as
 * plain values (the rule's in its hyperparameters, init_scale and batch size in their columns), and
 * its run id hashes them.
 *
 * <pre>
 * samples: 4
 * rules:
 *   - {name: sgdm, set: {lr: {loguniform: [0.003, 0.03]}, momentum: {uniform: [0.8, 0.95]}}}
 *   - {name: ia, set: {lr: {loguniform: [0.003, 0.03]}, amp: {choice: [0.002, 0.004, 0.008]}}}
 * architectures: [{family: mlp, width: 128, depth: 2, init_scale: {uniform: [0.4, 1.2]}}]
 * batch_sizes: [{choice: [64, 128, 256]}]
 * </pre>
 *
 * <p><b>Which draws.</b> A draw is seeded by {@link Distribution#seed}{@code (cell, key)}: SHA-256
 * of the text {@code seed=S;sample=K;rule=R;arch=A;task=T;batch=B} and the key ({@code set.lr},
 * {@code init_scale}, {@code batch_size}), where S is the grid seed, K the sample index
 * (0..samples-1), R the rule's name with its {@code set:} map as written (canonical: lower-case
 * keys, numbers as numbers, distributions as {@code {kind: [..]}}), A the architecture id with its
 * init_scale as written, T the task and B the batch-size entry as written. So the same spec gives
 * the same draws; adding a rule, an architecture, a task, a seed or samples to the grid, or
 * changing steps, checkpoints or conditions, leaves every other run's draws as they were; and each
 * key's draw is independent of the others'. Sample 0 trains with the grid seed, sample k &gt; 0
 * with {@link #sampleSeed} (stored in the seed column): each sample has its own initial weights and
 * data order, shared by the rules of its cell as grid seeds are. A distribution's range is checked
 * against the valid range of its key (the hyperparameter table, {@link
 * Architecture#MAX_INIT_SCALE}, positive batch sizes) before any run starts. As samples train from
 * seeds of their own, {@code samples: K} without any distribution is K seeds per listed seed.
 */
public record SweepSpec(String name, List<RunDescription> runs) {

    /** Whoever builds the grid (a spec file, the demo, another runner): no run id twice. */
    public SweepSpec {
        runs = List.copyOf(runs);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (RunDescription r : runs) {
            if (!ids.add(r.runId())) {
                throw new LridException(
                        "sweep "
                                + name
                                + " holds one run twice ("
                                + r.canonical()
                                + "); remove the repeated entry");
            }
        }
    }

    private static final Set<String> TOP =
            Set.of(
                    "name",
                    "steps",
                    "checkpoints",
                    "rules",
                    "architectures",
                    "tasks",
                    "batch_sizes",
                    "seeds",
                    "conditions",
                    "task_options",
                    "samples");
    private static final Set<String> TASK_OPTION_KEYS = Set.of("train_limit", "test_limit");
    private static final Set<String> RULE_KEYS = Set.of("name", "set");
    private static final Set<String> ARCH_KEYS =
            Set.of("family", "width", "depth", "activation", "init_scale", "alpha");
    private static final Set<String> CONDITION_KEYS = Set.of("fraction", "sigma", "seed");

    /** Reads and validates a spec file. */
    public static SweepSpec read(Path file) {
        if (Files.isDirectory(file)) {
            throw new LridException(
                    "sweep spec "
                            + file
                            + " is a directory; give a YAML file such as"
                            + " examples/mini.yaml");
        }
        if (!Files.isRegularFile(file)) {
            throw new LridException(
                    "sweep spec " + file + " does not exist; see examples/ for specs");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new LridException(
                    "sweep spec "
                            + file
                            + " is not valid YAML: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        return parse(root, file.getFileName().toString());
    }

    static SweepSpec parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new LridException(
                    "sweep spec " + source + " must be a YAML mapping with keys " + sorted(TOP));
        }
        checkKeys(root, TOP, "");
        JsonNode stepsNode = root.get("steps");
        // steps: one integer, or a mapping task -> steps (tasks with time need different budgets)
        int steps =
                stepsNode != null && stepsNode.isObject() ? 0 : positiveInt(root, "steps", null);
        int checkpoints = root.has("checkpoints") ? positiveInt(root, "checkpoints", null) : 21;
        if (checkpoints < 2) {
            throw new LridException("key 'checkpoints' must be at least 2, got " + checkpoints);
        }
        List<JsonNode> rules = list(root, "rules");
        List<JsonNode> archs = list(root, "architectures");
        List<JsonNode> tasks = list(root, "tasks");
        List<JsonNode> batches = list(root, "batch_sizes");
        List<JsonNode> seeds = list(root, "seeds");
        int samples = root.has("samples") ? positive(root.get("samples"), "samples") : 1;
        List<double[]> conditions = new ArrayList<>();
        if (root.has("conditions")) {
            int i = 0;
            for (JsonNode c : list(root, "conditions")) {
                String where = "conditions[" + i++ + "]";
                if (!c.isObject()) {
                    throw new LridException(
                            "key '" + where + "' must be a mapping {fraction, sigma, seed}");
                }
                checkKeys(c, CONDITION_KEYS, where + ".");
                double fraction = number(c, "fraction", where, 1);
                double sigma = number(c, "sigma", where, 0);
                long seed = (long) number(c, "seed", where, i);
                RecordingCondition rc;
                try {
                    rc = new RecordingCondition(fraction, sigma, seed);
                } catch (LridException e) {
                    throw new LridException("key '" + where + "': " + e.getMessage());
                }
                if (rc.isFull()) {
                    throw new LridException(
                            "key '"
                                    + where
                                    + "' {fraction: 1, sigma: 0} is the full recording, which"
                                    + " every run stores anyway; remove it");
                }
                for (int j = 0; j < conditions.size(); j++) {
                    double[] o = conditions.get(j);
                    if (o[0] == fraction && o[1] == sigma && (long) o[2] == seed) {
                        throw new LridException(
                                "key '"
                                        + where
                                        + "' repeats conditions["
                                        + j
                                        + "] (fraction "
                                        + fraction
                                        + ", sigma "
                                        + sigma
                                        + ", seed "
                                        + seed
                                        + "); give it another seed or"
                                        + " remove it");
                    }
                }
                conditions.add(new double[] {fraction, sigma, seed});
            }
        }

        Integer trainLimit = null;
        Integer testLimit = null;
        if (root.has("task_options")) {
            JsonNode o = root.get("task_options");
            if (!o.isObject()) {
                throw new LridException(
                        "key 'task_options' must be a mapping {train_limit, test_limit}");
            }
            checkKeys(o, TASK_OPTION_KEYS, "task_options.");
            trainLimit =
                    o.has("train_limit")
                            ? positive(o.get("train_limit"), "task_options.train_limit")
                            : null;
            testLimit =
                    o.has("test_limit")
                            ? positive(o.get("test_limit"), "task_options.test_limit")
                            : null;
        }
        // each list's entries, parsed and canonical, refused when one repeats another (two workers
        // would
        // train the same run id)
        List<RuleEntry> ruleEntries = distinct("rules", rules, SweepSpec::rule, RuleEntry::label);
        List<ArchEntry> archEntries =
                distinct("architectures", archs, SweepSpec::architecture, ArchEntry::label);
        List<String> taskEntries =
                distinct(
                        "tasks",
                        tasks,
                        n -> {
                            String task = text(n, "tasks");
                            if (!Tasks.names().contains(task)) {
                                throw new LridException(
                                        "key 'tasks': unknown task '"
                                                + task
                                                + "'; known: "
                                                + String.join(", ", Tasks.names()));
                            }
                            return task;
                        },
                        t -> t);
        Map<String, Integer> stepsByTask = new LinkedHashMap<>();
        if (steps == 0) {
            stepsNode
                    .fields()
                    .forEachRemaining(
                            e -> {
                                if (!taskEntries.contains(e.getKey())) {
                                    throw new LridException(
                                            "key 'steps."
                                                    + e.getKey()
                                                    + "': not a task of the sweep; tasks: "
                                                    + String.join(", ", taskEntries));
                                }
                                stepsByTask.put(
                                        e.getKey(), positive(e.getValue(), "steps." + e.getKey()));
                            });
            for (String task : taskEntries) {
                if (!stepsByTask.containsKey(task)) {
                    throw new LridException(
                            "key 'steps' gives no steps for task '"
                                    + task
                                    + "'; give every task"
                                    + " its steps, e.g. steps: {"
                                    + task
                                    + ": 500}");
                }
            }
        }
        List<BatchEntry> batchEntries =
                distinct("batch_sizes", batches, SweepSpec::batch, BatchEntry::label);
        List<Long> seedEntries =
                distinct(
                        "seeds",
                        seeds,
                        n -> {
                            if (!n.canConvertToLong()
                                    || !(n.isIntegralNumber()
                                            || n.isTextual() && n.asText().matches("-?\\d+"))) {
                                throw new LridException("key 'seeds' must hold integers, got " + n);
                            }
                            return n.asLong();
                        },
                        String::valueOf);
        List<RunDescription> runs = new ArrayList<>();
        for (RuleEntry rule : ruleEntries) {
            for (ArchEntry arch : archEntries) {
                Rules.get(rule.name).requireTrains(arch.base().family());
                for (String task : taskEntries) {
                    arch.base().requireTime(Tasks.hasTime(task), "task '" + task + "'");
                    for (BatchEntry batch : batchEntries) {
                        for (long seed : seedEntries) {
                            for (int k = 0; k < samples; k++) {
                                String cell =
                                        "seed="
                                                + seed
                                                + ";sample="
                                                + k
                                                + ";rule="
                                                + rule.cellText()
                                                + ";arch="
                                                + arch.label()
                                                + ";task="
                                                + task
                                                + ";batch="
                                                + batch.label();
                                Architecture a = arch.draw(cell);
                                RunDescription run;
                                try {
                                    run =
                                            new RunDescription(
                                                    rule.name,
                                                    rule.draw(cell),
                                                    a.family(),
                                                    a.width(),
                                                    a.depth(),
                                                    a.activation().label(),
                                                    a.initScale(),
                                                    task,
                                                    trainLimit,
                                                    testLimit,
                                                    batch.draw(cell),
                                                    steps > 0 ? steps : stepsByTask.get(task),
                                                    checkpoints,
                                                    sampleSeed(seed, k),
                                                    conditions,
                                                    a.leak());
                                } catch (LridException e) {
                                    throw new LridException(
                                            "key 'rules': rule '"
                                                    + rule.name
                                                    + "' drew "
                                                    + rule.draw(cell)
                                                    + ": "
                                                    + e.getMessage());
                                }
                                runs.add(run);
                            }
                        }
                    }
                }
            }
        }
        String name =
                root.has("name") ? root.get("name").asText() : source.replaceFirst("\\.ya?ml$", "");
        return new SweepSpec(name, List.copyOf(runs));
    }

    /**
     * The seed a run trains with (its initial W and B, data order): the grid seed for sample 0, and
     * {@link Init#derive}(seed, k) &gt;&gt;&gt; 1 (non-negative) for sample k &gt; 0, so that each
     * sample is a network of its own while the rules of one cell and sample still share their
     * initialisation (twins).
     */
    public static long sampleSeed(long seed, int sample) {
        return sample == 0 ? seed : Init.derive(seed, sample) >>> 1;
    }

    /**
     * A rule of the grid. Two entries are one when they name the same rule with the same resolved
     * hyperparameters ({@code sgdm} and {@code {name: sgdm, set: {lr: 0.005}}} at the default lr
     * are one) and the same distributions.
     *
     * @param overrides the fixed values, canonical
     * @param drawn the hyperparameters given as distributions, by canonical key
     */
    private record RuleEntry(
            String name,
            Map<String, String> overrides,
            Map<String, Distribution> drawn,
            String resolved) {

        String label() {
            return name + " " + resolved + (drawn.isEmpty() ? "" : " drawn " + drawnText());
        }

        /** The rule in the seed of its draws: the name with its set: map as written (canonical). */
        String cellText() {
            return name + " " + overrides + (drawn.isEmpty() ? "" : " " + drawnText());
        }

        private String drawnText() {
            StringBuilder sb = new StringBuilder();
            drawn.forEach((k, d) -> sb.append(k).append('=').append(d.canonical()).append(';'));
            return sb.toString();
        }

        /** The overrides of one run: the fixed ones and one draw of each distribution. */
        Map<String, String> draw(String cell) {
            Map<String, String> out = new TreeMap<>(overrides);
            drawn.forEach((k, d) -> out.put(k, d.draw(Distribution.seed(cell, "set." + k))));
            return out;
        }
    }

    /** An architecture of the grid, its init_scale a value (in {@code base}) or a distribution. */
    private record ArchEntry(Architecture base, Distribution initScale) {

        String label() {
            return base.id()
                    + (initScale != null
                            ? " init_scale=" + initScale.canonical()
                            : base.initScale() == 1 ? "" : " init_scale=" + base.initScale());
        }

        Architecture draw(String cell) {
            return initScale == null
                    ? base
                    : base.withInitScale(
                            Double.parseDouble(
                                    initScale.draw(Distribution.seed(cell, "init_scale"))));
        }
    }

    /** A batch-size entry: a positive integer or a distribution over them. */
    private record BatchEntry(int fixed, Distribution drawn) {

        String label() {
            return drawn == null ? String.valueOf(fixed) : drawn.canonical();
        }

        int draw(String cell) {
            return drawn == null
                    ? fixed
                    : drawn.drawInteger(Distribution.seed(cell, "batch_size"), "batch_sizes");
        }
    }

    private static BatchEntry batch(JsonNode node) {
        if (Distribution.given(node)) {
            Distribution d = Distribution.parse(node, "batch_sizes");
            d.checkIntegers("batch_sizes");
            return new BatchEntry(0, d);
        }
        return new BatchEntry(positive(node, "batch_sizes"), null);
    }

    /**
     * Parses every entry of a list and refuses one that is equal, once parsed, to an earlier one.
     *
     * @param identity what makes two entries one (the canonical rule and overrides, the
     *     architecture id...)
     */
    private static <T> List<T> distinct(
            String key,
            List<JsonNode> nodes,
            java.util.function.Function<JsonNode, T> parse,
            java.util.function.Function<T, String> identity) {
        List<T> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            T entry = parse.apply(nodes.get(i));
            Integer earlier = seen.putIfAbsent(identity.apply(entry), i);
            if (earlier != null) {
                throw new LridException(
                        "key '"
                                + key
                                + "': entry "
                                + i
                                + " ("
                                + nodes.get(i)
                                + ") repeats entry "
                                + earlier
                                + " ("
                                + nodes.get(earlier)
                                + "): both are "
                                + identity.apply(entry)
                                + "; a sweep trains each network once: remove the repeat");
            }
            out.add(entry);
        }
        return out;
    }

    private static RuleEntry rule(JsonNode node) {
        String name;
        Map<String, String> overrides = new LinkedHashMap<>();
        Map<String, Distribution> drawn = new TreeMap<>();
        if (node.isTextual()) {
            name = node.asText();
        } else if (node.isObject()) {
            checkKeys(node, RULE_KEYS, "rules[].");
            name = text(node.get("name"), "rules[].name");
            JsonNode set = node.get("set");
            if (set != null) {
                if (!set.isObject()) {
                    throw new LridException(
                            "key 'rules[].set' of rule '"
                                    + name
                                    + "' must be a mapping such as {lr: 0.01}");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = set.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (Distribution.given(e.getValue())) {
                        String key = e.getKey().trim().toLowerCase(java.util.Locale.ROOT);
                        String where = "rules[].set." + key;
                        Distribution d = Distribution.parse(e.getValue(), where);
                        if (drawn.put(key, d) != null) {
                            throw new LridException(
                                    "key '" + where + "' of rule '" + name + "' is given twice");
                        }
                    } else {
                        overrides.put(e.getKey(), e.getValue().asText());
                    }
                }
            }
        } else {
            throw new LridException(
                    "key 'rules' must hold rule names or {name, set} mappings, got " + node);
        }
        String resolved;
        try {
            resolved = Rules.get(name).withOverrides(overrides).hyperparametersJson();
        } catch (LridException e) {
            throw new LridException("key 'rules': " + e.getMessage());
        }
        Map<String, String> fixed = RunDescription.canonicalOverrides(overrides);
        for (Map.Entry<String, Distribution> e : drawn.entrySet()) {
            checkDrawn(name, fixed, e.getKey(), e.getValue());
        }
        return new RuleEntry(RunDescription.canonicalRule(name), fixed, drawn, resolved);
    }

    /**
     * Refuses, naming the key, a distribution of a rule's hyperparameter that can draw a value the
     * table refuses (checked at lo and hi, or at every choice), that the rule does not have, or
     * that is also fixed.
     */
    private static void checkDrawn(
            String rule, Map<String, String> fixed, String key, Distribution d) {
        String where = "key 'rules[].set." + key + "' of rule '" + rule + "'";
        if (fixed.containsKey(key)) {
            throw new LridException(
                    where + " is given twice (a value and a distribution); keep one");
        }
        Hyperparameter h = Hyperparameter.find(key);
        if (h != null
                && h.type() != Hyperparameter.Type.NUMBER
                && d.kind() != Distribution.Kind.CHOICE) {
            throw new LridException(
                    where
                            + ": "
                            + d.kind().key()
                            + " draws numbers but '"
                            + key
                            + "' is a "
                            + h.type().label()
                            + " ("
                            + h.rangeText()
                            + "); use {choice: [...]}");
        }
        for (String v : d.extremes()) {
            Map<String, String> o = new LinkedHashMap<>(fixed);
            o.put(key, v);
            try {
                Rules.get(rule).withOverrides(o);
            } catch (LridException e) {
                boolean takesKey = h != null && h.appliesTo(Rules.get(rule));
                throw new LridException(
                        where
                                + ": "
                                + (takesKey
                                        ? d.canonical() + " reaches outside the valid values: "
                                        : "")
                                + e.getMessage());
            }
        }
    }

    private static ArchEntry architecture(JsonNode node) {
        try {
            if (node.isTextual()) {
                return new ArchEntry(Architecture.of(node.asText()), null);
            }
            if (!node.isObject()) {
                throw new LridException(
                        "key 'architectures' must hold family names or {family, width, depth}"
                                + " mappings, got "
                                + node);
            }
            checkKeys(node, ARCH_KEYS, "architectures[].");
            String family = text(node.get("family"), "architectures[].family");
            Architecture base = Architecture.of(family);
            int width =
                    node.has("width")
                            ? positive(node.get("width"), "architectures[].width")
                            : base.width();
            int depth =
                    node.has("depth")
                            ? positive(node.get("depth"), "architectures[].depth")
                            : base.depth();
            Activation act =
                    node.has("activation")
                            ? Activation.parse(node.get("activation").asText())
                            : base.activation();
            Architecture arch = new Architecture(family, width, depth, act);
            if (node.has("alpha")) {
                JsonNode alpha = node.get("alpha");
                if (!alpha.isNumber()) {
                    throw new LridException(
                            "key 'architectures[].alpha' must be a number in (0, 1], got " + alpha);
                }
                arch = arch.withLeak(alpha.asDouble());
            }
            JsonNode scale = node.get("init_scale");
            if (scale == null) {
                return new ArchEntry(arch, null);
            }
            String where = "architectures[].init_scale";
            if (!Distribution.given(scale)) {
                if (!scale.isNumber()) {
                    throw new LridException(
                            "key '" + where + "' must be a number or a distribution, got " + scale);
                }
                return new ArchEntry(
                        initScale(arch, scale.asText(), where, scale.toString()), null);
            }
            Distribution d = Distribution.parse(scale, where);
            for (String v : d.extremes()) {
                initScale(arch, v, where, d.canonical());
            }
            return new ArchEntry(arch, d);
        } catch (LridException e) {
            throw e.getMessage().startsWith("key ")
                    ? e
                    : new LridException("key 'architectures': " + e.getMessage());
        }
    }

    /** The architecture at init scale {@code value}, or an error naming the key. */
    private static Architecture initScale(
            Architecture arch, String value, String where, String shown) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new LridException("key '" + where + "' must hold numbers, got " + shown);
        }
        try {
            return arch.withInitScale(v);
        } catch (LridException e) {
            throw new LridException(
                    "key '"
                            + where
                            + "': "
                            + shown
                            + " reaches outside the valid values: "
                            + e.getMessage());
        }
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new LridException(
                        "unknown key '"
                                + prefix
                                + k
                                + "' in sweep spec; allowed here: "
                                + sorted(allowed));
            }
        }
    }

    private static String sorted(Set<String> keys) {
        return String.join(", ", keys.stream().sorted().toList());
    }

    private static List<JsonNode> list(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null) {
            throw new LridException("sweep spec needs key '" + key + "' (a non-empty list)");
        }
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(out::add);
        } else {
            out.add(n);
        }
        if (out.isEmpty()) {
            throw new LridException("key '" + key + "' is empty: the grid would have no runs");
        }
        return out;
    }

    private static int positiveInt(JsonNode root, String key, Integer fallback) {
        JsonNode n = root.get(key);
        if (n == null) {
            if (fallback != null) {
                return fallback;
            }
            throw new LridException("sweep spec needs key '" + key + "' (a positive integer)");
        }
        return positive(n, key);
    }

    private static int positive(JsonNode n, String key) {
        if (!n.canConvertToInt()
                || n.asInt() < 1
                || !(n.isIntegralNumber() || n.isTextual() && n.asText().matches("\\d+"))) {
            throw new LridException("key '" + key + "' must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    private static double number(JsonNode c, String key, String where, double fallback) {
        JsonNode n = c.get(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw new LridException("key '" + where + "." + key + "' must be a number, got " + n);
        }
        return n.asDouble();
    }

    private static String text(JsonNode n, String key) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new LridException("key '" + key + "' must be a name, got " + n);
        }
        return n.asText();
    }
}
