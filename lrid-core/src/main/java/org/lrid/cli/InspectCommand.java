package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrid.observe.Observables;
import org.lrid.store.Claims;
import org.lrid.store.Condition;
import org.lrid.store.DatasetSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description =
                "Show what a dataset holds: runs per rule/arch/task, diverged runs, observables with non-finite values, size.")
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "Dataset directory written by 'lrid simulate'.")
    Path dir;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DatasetSummary s = DatasetSummary.of(dir, Observables.ALL);
        System.out.printf(
                "%s: %d runs (%d diverged), %d trajectory rows, %.1f MB%n",
                dir, s.runs(), s.divergedRuns(), s.rows(), s.bytes() / 1e6);
        System.out.printf("%-6s %-22s %-16s %5s %9s%n", "rule", "arch", "task", "runs", "diverged");
        for (DatasetSummary.Group g : s.groups()) {
            System.out.printf(
                    "%-6s %-22s %-16s %5d %9d%n",
                    g.rule(), g.arch(), g.task(), g.runs(), g.diverged());
        }
        System.out.println(
                "recording conditions (fraction, sigma, seed): "
                        + String.join(
                                "; ",
                                s.conditions().stream()
                                        .map(
                                                c ->
                                                        "("
                                                                + c.fraction()
                                                                + ", "
                                                                + c.sigma()
                                                                + ", "
                                                                + c.seed()
                                                                + ")"
                                                                + (c.isFull() ? " full" : ""))
                                        .toList()));
        if (s.uncommitted() > 0) {
            System.out.println(
                    s.uncommitted()
                            + " runs have trajectories but no run row (a sweep was stopped while"
                            + " writing them): not counted; 'lrid simulate' with the same spec trains them again");
        }
        List<Claims.Info> claims = new Claims(dir, Claims.DEFAULT_LEASE).inFlight();
        long stale = claims.stream().filter(Claims.Info::stale).count();
        if (!claims.isEmpty()) {
            System.out.println(
                    claims.size()
                            + " runs are claimed by a sweep now ("
                            + String.join(
                                    ", ",
                                    claims.stream().map(Claims.Info::owner).distinct().toList())
                            + ")"
                            + (stale > 0
                                    ? "; "
                                            + stale
                                            + " of the claims are stale (their sweep stopped):"
                                            + " the next 'lrid simulate' takes them over"
                                    : ""));
        }
        if (s.nonFiniteCounts().isEmpty()) {
            System.out.println("every observable is finite in every row");
        } else {
            System.out.println("observables with non-finite values (rows): " + s.nonFiniteCounts());
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("runs", s.runs());
            o.put("diverged_runs", s.divergedRuns());
            o.put("rows", s.rows());
            o.put("bytes", s.bytes());
            ArrayNode groups = o.putArray("groups");
            for (DatasetSummary.Group g : s.groups()) {
                groups.addObject()
                        .put("rule", g.rule())
                        .put("arch", g.arch())
                        .put("task", g.task())
                        .put("runs", g.runs())
                        .put("diverged", g.diverged());
            }
            ArrayNode conditions = o.putArray("conditions");
            s.conditions()
                    .forEach(
                            c ->
                                    conditions
                                            .addObject()
                                            .put(Condition.FRACTION, c.fraction())
                                            .put(Condition.SIGMA, c.sigma())
                                            .put(Condition.SEED, c.seed()));
            o.put("uncommitted_runs", s.uncommitted());
            o.put("claimed_runs", claims.size());
            o.put("stale_claims", stale);
            ObjectNode nf = o.putObject("non_finite");
            s.nonFiniteCounts().forEach(nf::put);
            System.out.println(mapper.writeValueAsString(o));
        }
        return 0;
    }
}
