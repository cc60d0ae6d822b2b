package org.lrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrid.identify.Predictor;
import org.lrid.identify.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = {
            "Rule probabilities per layer and per network for trajectories from outside lrid.",
            "Long format: network, layer, layer_position, checkpoint, observable, value, and optionally rule (for",
            "scoring); probabilities are calibrated, per network the layers' log-probabilities are summed, and a",
            "layer (network: half its layers) outside the model's training data is called 'unknown'."
        })
final class PredictCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            description =
                    "A model file saved by 'lrid identify --save-model DIR' (DIR/rf.model, DIR/svm.model).")
    Path model;

    @Option(
            names = "--trajectories",
            required = true,
            description = "Long-format trajectories, .csv or .parquet.")
    Path trajectories;

    @Option(names = "--json", description = "End with one JSON line on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SavedModel m = SavedModel.read(model);
        Predictor.Prediction p = Predictor.predict(m, trajectories);
        System.out.printf(
                "%-24s %-8s %s%n",
                "network", "rule", "probabilities (" + String.join(", ", m.classes()) + ")");
        for (Predictor.Verdict v : p.networks()) {
            System.out.printf(
                    "%-24s %-8s %s%s%n",
                    v.network(),
                    v.predicted(),
                    v.probabilities().values().stream().map(x -> String.format("%.3f", x)).toList(),
                    v.rule() == null ? "" : "  (true: " + v.rule() + ")");
        }
        if (p.networkAccuracy() != null) {
            System.out.printf(
                    "accuracy: %.3f of networks, %.3f of layers (an unknown counts as wrong)%n",
                    p.networkAccuracy(), p.layerAccuracy());
        }
        System.out.printf(
                "unknown: %.3f of networks, %.3f of layers (outside the training data)%n",
                p.unknownFraction(), p.layerUnknownFraction());
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            ArrayNode networks = o.putArray("networks");
            for (Predictor.Verdict v : p.networks()) {
                ObjectNode n = networks.addObject();
                n.put("network", v.network());
                n.put("predicted", v.predicted());
                ObjectNode probs = n.putObject("probabilities");
                v.probabilities().forEach(probs::put);
            }
            ArrayNode layers = o.putArray("layers");
            for (Predictor.Verdict v : p.layers()) {
                ObjectNode n = layers.addObject();
                n.put("network", v.network());
                n.put("layer", v.layer());
                n.put("predicted", v.predicted());
                ObjectNode probs = n.putObject("probabilities");
                v.probabilities().forEach(probs::put);
            }
            if (p.networkAccuracy() == null) {
                o.putNull("network_accuracy");
                o.putNull("layer_accuracy");
            } else {
                o.put("network_accuracy", p.networkAccuracy());
                o.put("layer_accuracy", p.layerAccuracy());
            }
            o.put("unknown_fraction", p.unknownFraction());
            o.put("layer_unknown_fraction", p.layerUnknownFraction());
            System.out.println(mapper.writeValueAsString(o));
        }
        return 0;
    }
}
