package org.lrid.net;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lrid.LridException;

/**
 * A network family with its size: {@code mlp} (dense layers), {@code convnet} (a small
 * AlexNet/KNet-like stack of conv + pool stages and two dense layers), {@code resnet} (a conv stem
 * and residual blocks). Immutable and cheap: {@link #build} makes the parameters.
 *
 * @param family mlp, convnet or resnet
 * @param width hidden units (mlp), channels of the first stage (convnet, resnet)
 * @param depth hidden layers (mlp), conv stages (convnet), residual blocks (resnet)
 * @param activation hidden nonlinearity
 * @param initScale multiplies the init limit of every W and B (1: He-uniform for ReLU,
 *     LeCun-uniform otherwise, {@link Init#limit}; PyTorch's default U(+-1/sqrt(fan_in)) is about
 *     0.41 for ReLU layers); in (0, {@link #MAX_INIT_SCALE}]; rnn takes only 1. Not part of {@link
 *     #id} (a network's shape), stored per run.
 * @param leak rnn only: the leak alpha = dt / tau of the rate units, in (0, 1] (default {@link
 *     Recurrent#DEFAULT_LEAK}); part of {@link #id} when not the default, so that it is stored (the
 *     {@code arch} column) and hashed into run ids as the activation is
 */
public record Architecture(
        String family, int width, int depth, Activation activation, double initScale, double leak) {

    public static final List<String> FAMILIES = List.of("mlp", "convnet", "resnet", "rnn");

    /** Largest {@link #initScale} accepted. */
    public static final double MAX_INIT_SCALE = 10;

    /** The architecture at the default initialisation scale 1. */
    public Architecture(String family, int width, int depth, Activation activation) {
        this(family, width, depth, activation, 1.0);
    }

    /** The architecture at the default leak (rnn) or none (the other families). */
    public Architecture(
            String family, int width, int depth, Activation activation, double initScale) {
        this(family, width, depth, activation, initScale, Recurrent.DEFAULT_LEAK);
    }

    public Architecture {
        family = family.toLowerCase(Locale.ROOT);
        if (!FAMILIES.contains(family)) {
            throw new LridException(
                    "unknown architecture '" + family + "'; known: " + String.join(", ", FAMILIES));
        }
        if (width < 1) {
            throw new LridException("architecture width must be at least 1, got " + width);
        }
        if (depth < 1 || depth > 64) {
            throw new LridException("architecture depth must be between 1 and 64, got " + depth);
        }
        if (width > MAX_WIDTH) {
            throw new LridException(
                    "architecture width must be at most " + MAX_WIDTH + ", got " + width);
        }
        if (!(initScale > 0 && initScale <= MAX_INIT_SCALE)) {
            throw new LridException(
                    "init_scale must be in (0, "
                            + (int) MAX_INIT_SCALE
                            + "], got "
                            + initScale
                            + " (1: He/LeCun-uniform; about 0.41: PyTorch's default)");
        }
        if (family.equals("rnn") && initScale != 1) {
            throw new LridException(
                    "rnn has its own initialisation (input and output LeCun-uniform, recurrent gain "
                            + Recurrent.RECURRENT_GAIN
                            + "); init_scale must be 1 for rnn, got "
                            + initScale);
        }
        if (!(leak > 0 && leak <= 1)) {
            throw new LridException(
                    "the rnn leak alpha = dt/tau must be in (0, 1], got "
                            + leak
                            + " (1: no leak, a vanilla RNN; default "
                            + Recurrent.DEFAULT_LEAK
                            + ")");
        }
        if (!family.equals("rnn") && leak != Recurrent.DEFAULT_LEAK) {
            throw new LridException(
                    "the leak alpha is a parameter of rnn only; " + family + " takes no --alpha");
        }
        long hidden = hiddenWeights(family, width, depth);
        if (hidden > MAX_HIDDEN_WEIGHTS) {
            throw new LridException(
                    "architecture "
                            + family
                            + " width "
                            + width
                            + " depth "
                            + depth
                            + " has "
                            + hidden
                            + " hidden-to-hidden weights, more than the limit of "
                            + MAX_HIDDEN_WEIGHTS
                            + " (1 GiB per copy of W); use a smaller --width or --depth");
        }
    }

    /** Widest layer accepted (hidden units or first-stage channels). */
    public static final int MAX_WIDTH = 65_536;

    /**
     * Most weights between hidden layers (W, B and the optimizer state each hold one float per
     * weight).
     */
    public static final long MAX_HIDDEN_WEIGHTS = 1L << 28;

    /**
     * Weights that do not depend on the input size: hidden-to-hidden dense, conv and residual
     * kernels.
     */
    private static long hiddenWeights(String family, long width, int depth) {
        return switch (family) {
            case "mlp" -> (depth - 1) * width * width;
            case "convnet" -> {
                long total = 0;
                long in = 3;
                long out = width;
                for (int i = 0; i < depth; i++) {
                    total += in * out * 25;
                    in = out;
                    out = Math.min(out * 2, 512);
                }
                yield total + 8 * width * 10;
            }
            default -> width * 9 + 2L * depth * width * width * 9;
        };
    }

    /** This architecture with another {@link #initScale}. */
    public Architecture withInitScale(double scale) {
        return new Architecture(family, width, depth, activation, scale, leak);
    }

    /** This architecture with another {@link #leak} (rnn only). */
    public Architecture withLeak(double alpha) {
        return new Architecture(family, width, depth, activation, initScale, alpha);
    }

    /** The family with its default size: mlp 256 x 2, convnet 16 x 2, resnet 16 x 2. */
    public static Architecture of(String family) {
        if ("rnn".equalsIgnoreCase(family)) {
            return new Architecture(family, Recurrent.DEFAULT_WIDTH, 1, Activation.TANH);
        }
        return new Architecture(
                family, "mlp".equalsIgnoreCase(family) ? 256 : 16, 2, Activation.RELU);
    }

    /**
     * A stable short name such as {@code mlp-w256-d2} or {@code rnn-w128-d1-tanh-a0.5}, used in run
     * ids and tables: the shape (with an rnn's leak when it is not the default 0.2), without {@link
     * #initScale} (stored in its own column), so that a randomised scale is one architecture.
     */
    public String id() {
        return family
                + "-w"
                + width
                + "-d"
                + depth
                + (activation == Activation.RELU ? "" : "-" + activation.label())
                + (leak == Recurrent.DEFAULT_LEAK ? "" : "-a" + leak);
    }

    /**
     * Builds the network's parameters in a new sub-manager of {@code parent}.
     *
     * @param initSeed seeds W (layer i uses a seed derived from it)
     * @param feedbackSeed seeds B, independently of W
     * @throws LridException when the family cannot be built on this input (e.g. a convnet on
     *     vectors)
     */
    public Network build(
            NDManager parent, long[] inputShape, int outputSize, long initSeed, long feedbackSeed) {
        NDManager manager = parent.newSubManager();
        try {
            Seeds seeds = new Seeds(initSeed, feedbackSeed);
            requireTimeMatchesFamily(inputShape);
            List<Module> modules =
                    switch (family) {
                        case "mlp" -> mlp(manager, inputShape, outputSize, seeds);
                        case "convnet" -> convnet(manager, inputShape, outputSize, seeds);
                        case "rnn" ->
                                List.of(
                                        Recurrent.create(
                                                manager,
                                                inputShape,
                                                outputSize,
                                                width,
                                                leak,
                                                activation,
                                                seeds.weight(),
                                                seeds.feedback()));
                        default -> resnet(manager, inputShape, outputSize, seeds);
                    };
            return new Network(manager, modules, inputShape, id());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private List<Module> mlp(NDManager m, long[] inputShape, int outputSize, Seeds seeds) {
        List<Module> modules = new ArrayList<>();
        long in = 1;
        for (long d : inputShape) {
            in *= d;
        }
        if (inputShape.length > 1) {
            modules.add(new Flatten());
        }
        for (int i = 0; i < depth; i++) {
            modules.add(
                    new Dense(
                            m, in, width, activation, initScale, seeds.weight(), seeds.feedback()));
            in = width;
        }
        modules.add(
                new Dense(
                        m,
                        in,
                        outputSize,
                        Activation.IDENTITY,
                        initScale,
                        seeds.weight(),
                        seeds.feedback()));
        return modules;
    }

    private List<Module> convnet(NDManager m, long[] inputShape, int outputSize, Seeds seeds) {
        requireImage(inputShape);
        List<Module> modules = new ArrayList<>();
        long channels = inputShape[0];
        long h = inputShape[1];
        long w = inputShape[2];
        long out = width;
        for (int i = 0; i < depth; i++) {
            if (h < 2 || w < 2) {
                throw new LridException(
                        "convnet depth "
                                + depth
                                + " pools a "
                                + inputShape[1]
                                + "x"
                                + inputShape[2]
                                + " input below 1x1; use --depth "
                                + i
                                + " or less");
            }
            modules.add(
                    new Conv2d(
                            m,
                            channels,
                            out,
                            5,
                            1,
                            2,
                            activation,
                            initScale,
                            seeds.weight(),
                            seeds.feedback()));
            modules.add(new Pool2d(Pool2d.Kind.MAX, 2));
            channels = out;
            out = Math.min(out * 2, 512);
            h /= 2;
            w /= 2;
        }
        modules.add(new Flatten());
        long hidden = 8L * width;
        modules.add(
                new Dense(
                        m,
                        channels * h * w,
                        hidden,
                        activation,
                        initScale,
                        seeds.weight(),
                        seeds.feedback()));
        modules.add(
                new Dense(
                        m,
                        hidden,
                        outputSize,
                        Activation.IDENTITY,
                        initScale,
                        seeds.weight(),
                        seeds.feedback()));
        return modules;
    }

    private List<Module> resnet(NDManager m, long[] inputShape, int outputSize, Seeds seeds) {
        requireImage(inputShape);
        if (inputShape[1] < 4 || inputShape[2] < 4) {
            throw new LridException(
                    "resnet needs images of at least 4x4, got "
                            + inputShape[1]
                            + "x"
                            + inputShape[2]);
        }
        List<Module> modules = new ArrayList<>();
        modules.add(
                new Conv2d(
                        m,
                        inputShape[0],
                        width,
                        3,
                        1,
                        1,
                        activation,
                        initScale,
                        seeds.weight(),
                        seeds.feedback()));
        modules.add(new Pool2d(Pool2d.Kind.MAX, 2));
        for (int i = 0; i < depth; i++) {
            modules.add(
                    new Residual(
                            List.of(
                                    new Conv2d(
                                            m,
                                            width,
                                            width,
                                            3,
                                            1,
                                            1,
                                            activation,
                                            initScale,
                                            seeds.weight(),
                                            seeds.feedback()),
                                    new Conv2d(
                                            m,
                                            width,
                                            width,
                                            3,
                                            1,
                                            1,
                                            Activation.IDENTITY,
                                            initScale,
                                            seeds.weight(),
                                            seeds.feedback()))));
        }
        modules.add(new Pool2d(Pool2d.Kind.AVG, 2));
        modules.add(new Flatten());
        long h = inputShape[1] / 2 / 2;
        long w = inputShape[2] / 2 / 2;
        modules.add(
                new Dense(
                        m,
                        width * h * w,
                        outputSize,
                        Activation.IDENTITY,
                        initScale,
                        seeds.weight(),
                        seeds.feedback()));
        return modules;
    }

    /**
     * A two-dimensional example shape is (steps, features): only rnn reads it, and rnn reads
     * nothing else. Callers check it before any work (the train command after loading the task,
     * sweeps by task name).
     *
     * @throws LridException one line naming the architecture that reads this input
     */
    public void requireInput(long[] inputShape) {
        requireTime(
                inputShape.length == 2, "inputs of shape " + java.util.Arrays.toString(inputShape));
    }

    /**
     * {@link #requireInput} for a task known by whether it has time, e.g. in a sweep spec before
     * data loads.
     *
     * @param task what the message names, e.g. {@code task 'reach'}
     */
    public void requireTime(boolean taskHasTime, String task) {
        if (family.equals("rnn") && depth != 1) {
            throw new LridException("rnn has one recurrent layer; use --depth 1, got " + depth);
        }
        if (!family.equals("rnn") && taskHasTime) {
            throw new LridException(
                    family
                            + " cannot read sequences (steps, features) such as "
                            + task
                            + "; use --arch rnn for tasks with time");
        }
        if (family.equals("rnn") && !taskHasTime) {
            throw new LridException(
                    "rnn reads sequences (steps, features), not "
                            + task
                            + "; use a task with time (seq-fashion-mnist, pattern, reach) or another --arch");
        }
    }

    private void requireTimeMatchesFamily(long[] inputShape) {
        requireInput(inputShape);
    }

    private void requireImage(long[] inputShape) {
        if (inputShape.length != 3) {
            throw new LridException(
                    family
                            + " needs image inputs (channels, height, width) but the task"
                            + " gives vectors of shape "
                            + java.util.Arrays.toString(inputShape)
                            + "; use --arch mlp for this task");
        }
    }

    /** Per-layer seeds derived in build order, so adding a layer never reseeds the ones below. */
    private static final class Seeds {
        private final long init;
        private final long feedback;
        private int nextWeight;
        private int nextFeedback;

        Seeds(long init, long feedback) {
            this.init = init;
            this.feedback = feedback;
        }

        long weight() {
            return Init.derive(init, nextWeight++);
        }

        long feedback() {
            return Init.derive(feedback ^ 0x5DEECE66DL, nextFeedback++);
        }
    }
}
