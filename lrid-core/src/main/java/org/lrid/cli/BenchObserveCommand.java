package org.lrid.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrid.net.Activation;
import org.lrid.net.Architecture;
import org.lrid.net.Network;
import org.lrid.observe.Recorder;
import org.lrid.observe.RecordingCondition;
import org.lrid.rule.Learner;
import org.lrid.rule.Rules;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.TaskSession;
import org.lrid.task.Tasks;
import org.lrid.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Cost of one checkpoint's observation of the reference mlp, and its share of a 2,000-step run. */
@Command(
        name = "observe",
        mixinStandardHelpOptions = true,
        description =
                "Time the 45 observables of the reference mlp per checkpoint (probe batch 256), with 1 and 4 recording conditions.")
final class BenchObserveCommand implements Callable<Integer> {

    @Option(
            names = "--repeats",
            defaultValue = "50",
            description = "Timed checkpoints per setting (default: ${DEFAULT-VALUE}).")
    int repeats;

    @picocli.CommandLine.Mixin BenchOptions common;

    @Override
    public Integer call() throws Exception {
        common.configureThreads();
        BenchOptions.printMachine();
        Task task = Tasks.create("fashion-mnist", TaskOptions.DEFAULTS.withDataDir(common.dataDir));
        Architecture arch = new Architecture("mlp", 256, 2, Activation.RELU);
        double[] one;
        double[] four;
        double stepMs;
        try (NDManager m = NDManager.newBaseManager();
                TaskSession session = task.open(m, 1);
                Network net = arch.build(m, task.inputShape(), task.outputSize(), 1, 2)) {
            Learner learner = new Learner(Rules.get("sgdm").forFamily(arch.family()), net, 2);
            for (int i = 0; i < 200; i++) {
                Trainer.step(session, net, learner, m, 128, i + 1, 700);
            }
            long t = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                Trainer.step(session, net, learner, m, 128, 201 + i, 700);
            }
            stepMs = (System.nanoTime() - t) / 1e6 / 500;
            one = timeCheckpoint(new Recorder(List.of()), net, session);
            four =
                    timeCheckpoint(
                            new Recorder(
                                    List.of(
                                            new RecordingCondition(0.5, 0, 1),
                                            new RecordingCondition(0.1, 0, 2),
                                            new RecordingCondition(1, 0.1, 3))),
                            net,
                            session);
        }
        // a 2,000-step run observes 21 checkpoints
        double share = 21 * one[0] / (21 * one[0] + 2000 * stepMs);
        System.out.printf("ms per checkpoint, 1 condition:  %.2f%n", one[0]);
        System.out.printf("ms per checkpoint, 4 conditions: %.2f%n", four[0]);
        System.out.printf(
                "CPU ms per checkpoint (this thread; what a busy machine's time slicing does not"
                        + " inflate), 1 condition: %.2f, 4 conditions: %.2f%n",
                one[1], four[1]);
        System.out.printf("ms per training step:            %.2f%n", stepMs);
        System.out.printf(
                "share of a 2,000-step run spent observing (21 checkpoints): %.1f%%%n",
                100 * share);
        if (common.json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = BenchOptions.describeMachine(mapper.createObjectNode());
            o.put("ms_per_checkpoint", one[0]);
            o.put("ms_per_checkpoint_4_conditions", four[0]);
            o.put("cpu_ms_per_checkpoint", one[1]);
            o.put("cpu_ms_per_checkpoint_4_conditions", four[1]);
            o.put("ms_per_step", stepMs);
            o.put("observe_share", share);
            o.put("threads", Threads.current());
            System.out.println(mapper.writeValueAsString(o));
        }
        return 0;
    }

    /**
     * Wall and CPU milliseconds per checkpoint. libtorch runs on the calling thread at one intra-op
     * thread (the default), so this thread's CPU time is the observation's work.
     */
    private double[] timeCheckpoint(Recorder recorder, Network net, TaskSession session) {
        NDArray probe = session.probeInputs();
        for (int i = 0; i < 5; i++) {
            observeOnce(recorder, net, probe);
        }
        java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            observeOnce(recorder, net, probe);
        }
        return new double[] {
            (System.nanoTime() - t) / 1e6 / repeats,
            (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / repeats
        };
    }

    private static void observeOnce(Recorder recorder, Network net, NDArray probe) {
        try (NDManager m = probe.getManager().newSubManager()) {
            NDArray x = probe.duplicate();
            x.attach(m);
            recorder.measure(net, x, 0, 0, 0, Double.NaN);
        }
    }
}
