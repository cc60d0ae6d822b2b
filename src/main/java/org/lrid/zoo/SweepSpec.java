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
import org.lrid.LridException;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.observe.RecordingCondition;
import org.lrid.rule.Rules;
import org.lrid.task.Tasks;

/**
 * A sweep: the grid rules x architectures x tasks x batch sizes x seeds, read from YAML and checked
 * whole before any run starts. Every error names the offending key.
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
 */
public record SweepSpec(String name, List<RunDescription> runs) {

    /** Whoever builds the grid (a spec file, the demo, another runner): no run id twice. */
    public SweepSpec {
        runs = List.copyOf(runs);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (RunDescription r : runs) {
            if (!ids.add(r.runId())) {
                throw new LridException("sweep " + name + " holds one run twice (" + r.canonical()
                        + "); remove the repeated entry");
            }
        }
    }

    private static final Set<String> TOP = Set.of("name", "steps", "checkpoints", "rules", "architectures", "tasks",
            "batch_sizes", "seeds", "conditions", "task_options");
    private static final Set<String> TASK_OPTION_KEYS = Set.of("train_limit", "test_limit");
    private static final Set<String> RULE_KEYS = Set.of("name", "set");
    private static final Set<String> ARCH_KEYS = Set.of("family", "width", "depth", "activation");
    private static final Set<String> CONDITION_KEYS = Set.of("fraction", "sigma", "seed");

    /** Reads and validates a spec file. */
    public static SweepSpec read(Path file) {
        if (Files.isDirectory(file)) {
            throw new LridException("sweep spec " + file + " is a directory; give a YAML file such as"
                    + " examples/mini.yaml");
        }
        if (!Files.isRegularFile(file)) {
            throw new LridException("sweep spec " + file + " does not exist; see examples/ for specs");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new LridException("sweep spec " + file + " is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return parse(root, file.getFileName().toString());
    }

    static SweepSpec parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new LridException("sweep spec " + source + " must be a YAML mapping with keys " + sorted(TOP));
        }
        checkKeys(root, TOP, "");
        JsonNode stepsNode = root.get("steps");
        // steps: one integer, or a mapping task -> steps (tasks with time need different budgets)
        int steps = stepsNode != null && stepsNode.isObject() ? 0 : positiveInt(root, "steps", null);
        int checkpoints = root.has("checkpoints") ? positiveInt(root, "checkpoints", null) : 21;
        if (checkpoints < 2) {
            throw new LridException("key 'checkpoints' must be at least 2, got " + checkpoints);
        }
        List<JsonNode> rules = list(root, "rules");
        List<JsonNode> archs = list(root, "architectures");
        List<JsonNode> tasks = list(root, "tasks");
        List<JsonNode> batches = list(root, "batch_sizes");
        List<JsonNode> seeds = list(root, "seeds");
        List<double[]> conditions = new ArrayList<>();
        if (root.has("conditions")) {
            int i = 0;
            for (JsonNode c : list(root, "conditions")) {
                String where = "conditions[" + i++ + "]";
                if (!c.isObject()) {
                    throw new LridException("key '" + where + "' must be a mapping {fraction, sigma, seed}");
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
                    throw new LridException("key '" + where + "' {fraction: 1, sigma: 0} is the full recording, which"
                            + " every run stores anyway; remove it");
                }
                for (int j = 0; j < conditions.size(); j++) {
                    double[] o = conditions.get(j);
                    if (o[0] == fraction && o[1] == sigma && (long) o[2] == seed) {
                        throw new LridException("key '" + where + "' repeats conditions[" + j + "] (fraction "
                                + fraction + ", sigma " + sigma + ", seed " + seed + "); give it another seed or"
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
                throw new LridException("key 'task_options' must be a mapping {train_limit, test_limit}");
            }
            checkKeys(o, TASK_OPTION_KEYS, "task_options.");
            trainLimit = o.has("train_limit") ? positive(o.get("train_limit"), "task_options.train_limit") : null;
            testLimit = o.has("test_limit") ? positive(o.get("test_limit"), "task_options.test_limit") : null;
        }
        // each list's entries, parsed and canonical, refused when one repeats another (two workers would
        // train the same run id)
        List<RuleEntry> ruleEntries = distinct("rules", rules, SweepSpec::rule, RuleEntry::label);
        List<Architecture> archEntries = distinct("architectures", archs, SweepSpec::architecture, Architecture::id);
        List<String> taskEntries = distinct("tasks", tasks, n -> {
            String task = text(n, "tasks");
            if (!Tasks.names().contains(task)) {
                throw new LridException("key 'tasks': unknown task '" + task + "'; known: "
                        + String.join(", ", Tasks.names()));
            }
            return task;
        }, t -> t);
        Map<String, Integer> stepsByTask = new LinkedHashMap<>();
        if (steps == 0) {
            stepsNode.fields().forEachRemaining(e -> {
                if (!taskEntries.contains(e.getKey())) {
                    throw new LridException("key 'steps." + e.getKey() + "': not a task of the sweep; tasks: "
                            + String.join(", ", taskEntries));
                }
                stepsByTask.put(e.getKey(), positive(e.getValue(), "steps." + e.getKey()));
            });
            for (String task : taskEntries) {
                if (!stepsByTask.containsKey(task)) {
                    throw new LridException("key 'steps' gives no steps for task '" + task + "'; give every task"
                            + " its steps, e.g. steps: {" + task + ": 500}");
                }
            }
        }
        List<Integer> batchEntries = distinct("batch_sizes", batches, b -> positive(b, "batch_sizes"), String::valueOf);
        List<Long> seedEntries = distinct("seeds", seeds, n -> {
            if (!n.canConvertToLong() || !(n.isIntegralNumber() || n.isTextual() && n.asText().matches("-?\\d+"))) {
                throw new LridException("key 'seeds' must hold integers, got " + n);
            }
            return n.asLong();
        }, String::valueOf);
        List<RunDescription> runs = new ArrayList<>();
        for (RuleEntry rule : ruleEntries) {
            for (Architecture arch : archEntries) {
                Rules.get(rule.name).requireTrains(arch.family());
                for (String task : taskEntries) {
                    arch.requireTime(Tasks.hasTime(task), "task '" + task + "'");
                    for (int batch : batchEntries) {
                        for (long seed : seedEntries) {
                            RunDescription run = new RunDescription(rule.name, rule.overrides, arch.family(),
                                    arch.width(), arch.depth(), arch.activation().label(), task, trainLimit, testLimit,
                                    batch, steps > 0 ? steps : stepsByTask.get(task), checkpoints, seed, conditions);
                            runs.add(run);
                        }
                    }
                }
            }
        }
        String name = root.has("name") ? root.get("name").asText() : source.replaceFirst("\\.ya?ml$", "");
        return new SweepSpec(name, List.copyOf(runs));
    }

    /**
     * A rule of the grid. Two entries are one when they name the same rule with the same resolved
     * hyperparameters ({@code sgdm} and {@code {name: sgdm, set: {lr: 0.005}}} at the default lr are one).
     */
    private record RuleEntry(String name, Map<String, String> overrides, String resolved) {

        String label() {
            return name + " " + resolved;
        }
    }

    /**
     * Parses every entry of a list and refuses one that is equal, once parsed, to an earlier one.
     *
     * @param identity what makes two entries one (the canonical rule and overrides, the architecture id...)
     */
    private static <T> List<T> distinct(String key, List<JsonNode> nodes,
            java.util.function.Function<JsonNode, T> parse, java.util.function.Function<T, String> identity) {
        List<T> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            T entry = parse.apply(nodes.get(i));
            Integer earlier = seen.putIfAbsent(identity.apply(entry), i);
            if (earlier != null) {
                throw new LridException("key '" + key + "': entry " + i + " (" + nodes.get(i) + ") repeats entry "
                        + earlier + " (" + nodes.get(earlier) + "): both are " + identity.apply(entry)
                        + "; a sweep trains each network once: remove the repeat");
            }
            out.add(entry);
        }
        return out;
    }

    private static RuleEntry rule(JsonNode node) {
        String name;
        Map<String, String> overrides = new LinkedHashMap<>();
        if (node.isTextual()) {
            name = node.asText();
        } else if (node.isObject()) {
            checkKeys(node, RULE_KEYS, "rules[].");
            name = text(node.get("name"), "rules[].name");
            JsonNode set = node.get("set");
            if (set != null) {
                if (!set.isObject()) {
                    throw new LridException("key 'rules[].set' of rule '" + name + "' must be a mapping such as {lr: 0.01}");
                }
                set.fields().forEachRemaining(e -> overrides.put(e.getKey(), e.getValue().asText()));
            }
        } else {
            throw new LridException("key 'rules' must hold rule names or {name, set} mappings, got " + node);
        }
        try {
            String resolved = Rules.get(name).withOverrides(overrides).hyperparametersJson();
            return new RuleEntry(RunDescription.canonicalRule(name), RunDescription.canonicalOverrides(overrides),
                    resolved);
        } catch (LridException e) {
            throw new LridException("key 'rules': " + e.getMessage());
        }
    }

    private static Architecture architecture(JsonNode node) {
        try {
            if (node.isTextual()) {
                return Architecture.of(node.asText());
            }
            if (!node.isObject()) {
                throw new LridException("key 'architectures' must hold family names or {family, width, depth}"
                        + " mappings, got " + node);
            }
            checkKeys(node, ARCH_KEYS, "architectures[].");
            String family = text(node.get("family"), "architectures[].family");
            Architecture base = Architecture.of(family);
            int width = node.has("width") ? positive(node.get("width"), "architectures[].width") : base.width();
            int depth = node.has("depth") ? positive(node.get("depth"), "architectures[].depth") : base.depth();
            Activation act = node.has("activation") ? Activation.parse(node.get("activation").asText()) : base.activation();
            return new Architecture(family, width, depth, act);
        } catch (LridException e) {
            throw e.getMessage().startsWith("key ") ? e : new LridException("key 'architectures': " + e.getMessage());
        }
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new LridException("unknown key '" + prefix + k + "' in sweep spec; allowed here: " + sorted(allowed));
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
        if (!n.canConvertToInt() || n.asInt() < 1 || !(n.isIntegralNumber() || n.isTextual() && n.asText().matches("\\d+"))) {
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
