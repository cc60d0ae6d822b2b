package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.lrid.rule.Hyperparameter;
import org.lrid.rule.LearningRule;
import org.lrid.rule.Rules;
import org.lrid.train.ShippedDefaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "rules",
        mixinStandardHelpOptions = true,
        description =
                "List the learning rules with their components (credit assignment, B dynamics, optimizer).")
final class RulesCommand implements Callable<Integer> {

    @Option(
            names = "--json",
            description = "Print one JSON object (rules, hyperparameter table) instead of tables.")
    boolean json;

    /** The table's default, and which registered rules set another value. */
    private static String defaultText(Hyperparameter h) {
        java.util.List<String> others = new java.util.ArrayList<>();
        for (LearningRule r : Rules.all()) {
            Object v = r.hyperparameters().get(h.key());
            // lr's default is every rule's own; a per-family default is set by a rule that fixes
            // it before any family (aa's normalize_input)
            if (v != null && h != Hyperparameter.LR && !v.equals(h.defaultValue())) {
                others.add(r.name());
            }
        }
        return h.defaultText() + (others.isEmpty() ? "" : "; set by " + String.join(", ", others));
    }

    @Override
    public Integer call() throws Exception {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            ArrayNode rules = root.putArray("rules");
            for (LearningRule r : Rules.all()) {
                ObjectNode o = rules.addObject();
                o.put("rule", r.name());
                o.put("family", r.family().label());
                o.put("description", r.description());
                o.put("credit_assignment", r.credit().label());
                o.put("error_via", r.credit().matrix());
                ObjectNode alignment = o.putObject("alignment");
                r.alignment().coefficients().forEach((p, c) -> alignment.put(p.label(), c));
                o.put("feedback_follows_task", r.feedbackFollowsTask());
                o.put("optimizer", r.optimizer().label());
                o.set("hyperparameters", mapper.readTree(r.hyperparametersJson()));
                ArrayNode keys = o.putArray("overridable");
                r.overridableKeys().forEach(keys::add);
            }
            ArrayNode table = root.putArray("hyperparameters");
            for (Hyperparameter h : Hyperparameter.values()) {
                ObjectNode o = table.addObject();
                o.put("name", h.key());
                o.put("type", h.type().label());
                o.put("range", h.rangeText());
                o.put("default", defaultText(h));
                o.put("applies_to", h.scope().description());
                o.put("description", h.description());
            }
            System.out.println(mapper.writeValueAsString(root));
            return 0;
        }
        System.out.printf("%-9s %-12s %-52s %s%n", "rule", "family", "description", "components");
        for (LearningRule r : Rules.all()) {
            System.out.printf(
                    "%-9s %-12s %-52s %s%n",
                    r.name(), r.family().label(), r.description(), r.components());
        }
        System.out.println();
        System.out.printf(
                "%-18s %-9s %-20s %-42s %-36s %s%n",
                "hyperparameter", "type", "range", "default", "applies to", "meaning");
        for (Hyperparameter h : Hyperparameter.values()) {
            String range =
                    h.type() == Hyperparameter.Type.FRACTIONS
                            ? "fractions in (0, 1)"
                            : h.rangeText();
            System.out.printf(
                    "%-18s %-9s %-20s %-42s %-36s %s%n",
                    h.key(),
                    h.type().label(),
                    range,
                    defaultText(h),
                    h.scope().description(),
                    h.description());
        }
        System.out.println();
        System.out.println(
                "Override hyperparameters with --set KEY=VALUE (e.g. --set lr=0.02 --set amp=0.004),"
                        + " or a spec's set: map.");
        System.out.println(
                "Feed-forward rules train mlp, convnet and resnet; recurrent rules train rnn (sgd, sgdm"
                        + " and adam are refused on an rnn: its exact gradient is bptt, or bptt-adam).");
        System.out.println(
                "train's default steps: "
                        + ShippedDefaults.FEED_FORWARD
                        + " (feed-forward); rnn: "
                        + ShippedDefaults.describeRecurrent()
                        + ".");
        return 0;
    }
}
