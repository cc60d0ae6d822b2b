package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.lrid.rule.LearningRule;
import org.lrid.rule.Rules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "List the learning rules with their components (credit assignment, B dynamics, optimizer).")
final class RulesCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON array instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode rules = mapper.createArrayNode();
            for (LearningRule r : Rules.all()) {
                ObjectNode o = rules.addObject();
                o.put("rule", r.name());
                o.put("description", r.description());
                o.put("credit_assignment", r.credit().label());
                o.put("error_via", r.credit().matrix());
                ObjectNode alignment = o.putObject("alignment");
                r.alignment().coefficients().forEach((p, c) -> alignment.put(p.label(), c));
                o.put("feedback_follows_task", r.feedbackFollowsTask());
                o.put("optimizer", r.optimizer().label());
                ObjectNode hp = o.putObject("hyperparameters");
                r.hyperparameters().forEach(hp::put);
                o.put("overridable", String.join(",", r.overridableKeys()));
            }
            System.out.println(mapper.writeValueAsString(rules));
            return 0;
        }
        System.out.printf("%-5s %-52s %s%n", "rule", "description", "components");
        for (LearningRule r : Rules.all()) {
            System.out.printf("%-5s %-52s %s%n", r.name(), r.description(), r.components());
        }
        System.out.println();
        System.out.println("Override hyperparameters with --set KEY=VALUE (e.g. --set lr=0.02 --set amp=0.004).");
        return 0;
    }
}
