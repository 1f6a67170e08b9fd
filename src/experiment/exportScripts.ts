/**
 * The experiment as one runnable Python file, for Keras 3 or PyTorch: the same network,
 * initial weights, batches, optimizers (exportOptimizers.ts), loss and per-epoch test
 * evaluation as the app, writing a results file the app opens (resultsFile.ts).
 * Pure functions of the config and the link; docs/EXPORT.md explains the choices.
 */
import { trainingContestants, type ExperimentConfig } from './config';
import { contestantName } from './contestants';
import { describeNetwork } from './network';
import { BASE_OPTIMIZER_SETTINGS, hp, kerasArgument, KERAS_RULE_BASE, OPTIMIZER_EXPORTS, SCHEDULE_EXPORTS, torchConstructor } from './exportOptimizers';
import { SCHEDULE_KINDS, SCHEDULES, type ScheduleKind } from './schedules';

type ScheduledKind = Exclude<ScheduleKind, 'constant'>;
import { OPTIMIZERS } from './optimizers';
import { buildResults, resultsToJson } from './resultsFile';

export const SCRIPT_ENGINES = ['keras', 'pytorch'] as const;
export type ScriptEngine = (typeof SCRIPT_ENGINES)[number];

export const SCRIPT_ENGINE_LABELS: Record<ScriptEngine, string> = { keras: 'Keras', pytorch: 'PyTorch' };

/**
 * The app's own constants the script repeats (experiment/ cannot import train/; a test
 * in src/train/ checks them against KERAS_EPSILON, COLLAPSE_WINDOW and COLLAPSE_LOSS).
 */
export const SCRIPT_CONSTANTS = { kerasEpsilon: 1e-7, collapseWindow: 8 } as const;

/** A number the script must hold as a Python float (Keras refuses `momentum=0`, an int). */
export class PythonFloat {
  constructor(readonly value: number) {}
}

/** A Python literal for JSON-like data (and PythonFloat); short values on one line, longer ones indented. */
export function pythonLiteral(value: unknown, indent = 0): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof PythonFloat) {
    const text = pythonLiteral(value.value);
    return /[.e]/.test(text) ? text : `${text}.0`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} has no Python literal here.`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value as object);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const item = ([key, v]: readonly [string, unknown], depth: number) => `${key === '' && Array.isArray(value) ? '' : `${JSON.stringify(key)}: `}${pythonLiteral(v, depth)}`;
  const flat = `${open}${entries.map((e) => item(e, 0)).join(', ')}${close}`;
  if (flat.length + indent <= 100 || entries.length === 0) return flat;
  const pad = ' '.repeat(indent + 4);
  return `${open}\n${entries.map((e) => `${pad}${item(e, indent + 4)},`).join('\n')}\n${' '.repeat(indent)}${close}`;
}

/** The config with every real-valued hyperparameter as a PythonFloat (integer ones stay ints). */
function withPythonFloats(config: ExperimentConfig) {
  return {
    ...config,
    contestants: config.contestants.map((contestant) => ({
      ...contestant,
      hyperparameters: Object.fromEntries(
        OPTIMIZERS[contestant.optimizer].parameters.map((spec) => {
          const value = contestant.hyperparameters[spec.key];
          return [spec.key, spec.kind === 'number' && !spec.integer && typeof value === 'number' ? new PythonFloat(value) : value];
        }),
      ),
      ...(contestant.schedule && {
        schedule: {
          kind: contestant.schedule.kind,
          values: Object.fromEntries(
            SCHEDULES[contestant.schedule.kind].fields.map((field) => {
              const value = contestant.schedule!.values[field.key];
              const float = (x: number) => (field.kind !== 'boolean' && !field.integer ? new PythonFloat(x) : x);
              return [field.key, typeof value === 'number' ? float(value) : Array.isArray(value) ? value.map(float) : value];
            }),
          ),
        },
      }),
    })),
  };
}

/** The script's file name: "optimizer-playground-2026-12-01-1950-pytorch.py". */
export function scriptFileName(baseName: string, engine: ScriptEngine): string {
  return `${baseName}-${engine}.py`;
}

/** The Python file for `engine` that reproduces `config`; `link` is the app's address of this experiment. */
export function exportScript(engine: ScriptEngine, config: ExperimentConfig, link: string): string {
  const contestants = trainingContestants(config);
  const ids = [...new Set(contestants.map((c) => c.optimizer))];
  // The schedules the contestants use, in SCHEDULE_KINDS order.
  const kinds = SCHEDULE_KINDS.filter((kind): kind is ScheduledKind => kind !== 'constant' && contestants.some((c) => c.schedule?.kind === kind));
  const sections = engine === 'keras' ? kerasSections(ids, kinds) : pytorchSections(ids, kinds);
  const { format, version, appVersion } = JSON.parse(resultsToJson(buildResults(config, null, []))) as { format: string; version: number; appVersion: string };
  return [
    docstring(engine, config, link),
    sections.imports,
    `# The experiment, with the app's names for every setting (as in its links and results files).
LINK = ${pythonLiteral(link)}
EXPERIMENT = ${pythonLiteral(withPythonFloats(config))}
RESULTS_HEADER = ${pythonLiteral({ format, version, appVersion })}

# As the app computes them: Keras's probability clipping in the cross-entropy, and the
# sign of a run that has collapsed (the mean loss of the last batches above half of -ln(epsilon)).
EPSILON = ${SCRIPT_CONSTANTS.kerasEpsilon}
COLLAPSE_WINDOW = ${SCRIPT_CONSTANTS.collapseWindow}
COLLAPSE_LOSS = -math.log(EPSILON) / 2
EVALUATION_BATCH = 1000`,
    RANDOM_SECTION,
    sections.data,
    sections.model,
    sections.optimizers,
    TRAINING_SECTION,
    sections.main,
  ].join('\n\n\n');
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width = 88): string {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

function docstring(engine: ScriptEngine, config: ExperimentConfig, link: string): string {
  const names = trainingContestants(config).map(contestantName).join(', ');
  const epochs = `${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`;
  const run =
    engine === 'keras'
      ? `    python3 <this file> [--out results.json] [--mnist-dir MNIST_DIR]

Keras downloads MNIST itself (keras.datasets.mnist), or reads the four MNIST IDX files,
each raw or gzipped, from MNIST_DIR. Needs Keras 3 with any backend, and NumPy.`
      : `    python3 <this file> MNIST_DIR [--out results.json] [--device cpu|cuda]

MNIST_DIR holds the four MNIST IDX files, each raw or gzipped: train-images-idx3-ubyte,
train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (as
http://yann.lecun.com/exdb/mnist/ and most mirrors name them). Needs PyTorch 1.13 or
later, and NumPy.`;
  return `#!/usr/bin/env python3
"""Optimizer Playground experiment, exported as a ${SCRIPT_ENGINE_LABELS[engine]} script.

${wrap(
  `Trains ${describeNetwork(config.network)} on MNIST with ${names}: ${config.trainExamples} training examples, batch size ${config.batchSize}, ${epochs}, seed ${config.seed}, the test set after each epoch. Every contestant starts from the app's initial weights (Glorot-uniform kernels, zero biases, drawn by the app's seeded generator) and sees the app's batches in the app's order; the optimizers follow Keras 3's update rules.`,
)}

The experiment in the app:
${link}

Run:
${run}

It prints each epoch and writes a results file that Optimizer Playground opens
(Open results...) beside its own runs.
"""`;
}

/** The app's seeded generator in Python (exported for the test that runs it against src/train/random.ts). */
export const RANDOM_SECTION = `# ---- The app's seeded random numbers (src/train/random.ts) ----------------------------
# Mulberry32 streams seeded through SplitMix32, so the initial weights and the batch
# order are the app's, number for number.
MASK = 0xFFFFFFFF
STREAM_WEIGHTS, STREAM_SHUFFLE = 1, 2


def mix32(value):
    z = (value + 0x9E3779B9) & MASK
    z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK
    z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK
    return z ^ (z >> 16)


class Random:
    def __init__(self, seed, stream):
        self.state = mix32((seed & MASK) ^ mix32(stream))

    def uniforms(self, count):
        """The next count draws, uniform in [0, 1) (all of them at once: the states are a sequence)."""
        step = np.arange(1, count + 1, dtype=np.uint64)
        t = (np.uint64(self.state) + step * np.uint64(0x6D2B79F5)) & np.uint64(MASK)
        self.state = (self.state + count * 0x6D2B79F5) & MASK
        t = ((t ^ (t >> np.uint64(15))) * (t | np.uint64(1))) & np.uint64(MASK)
        t = t ^ ((t + (((t ^ (t >> np.uint64(7))) * (t | np.uint64(61))) & np.uint64(MASK))) & np.uint64(MASK))
        return (t ^ (t >> np.uint64(14))).astype(np.float64) / 4294967296.0


def initial_weights(seed, network):
    """Kernel [fan_in, fan_out] then bias of each Dense layer, as Keras orders them:
    Glorot-uniform kernels (limit sqrt(6 / (fan_in + fan_out))) and zero biases, in float32."""
    random = Random(seed, STREAM_WEIGHTS)
    widths = [784] + network["hiddenLayers"] + [10]
    weights = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        limit = math.sqrt(6 / (fan_in + fan_out))
        kernel = (2 * random.uniforms(fan_in * fan_out) - 1) * limit
        weights += [kernel.astype(np.float32).reshape(fan_in, fan_out), np.zeros(fan_out, np.float32)]
    return weights


def shuffled(count, random):
    """Fisher-Yates shuffle of 0 .. count-1, as the app shuffles the training examples each epoch."""
    bounds = np.arange(count, 1, -1)
    picks = np.floor(random.uniforms(count - 1) * bounds).astype(np.int64).tolist()
    order = list(range(count))
    for i, j in zip(range(count - 1, 0, -1), picks):
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


# Pixels as the app scales them: uint8 * (1 / 255) in double precision, stored as float32.
PIXELS = (np.arange(256) * (1 / 255)).astype(np.float32)`;

/** MNIST from the four IDX files in a directory (PyTorch always; Keras with --mnist-dir). */
const IDX_SECTION = `MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def read_idx(directory, name):
    """One IDX file (raw, or gzipped with .gz), as uint8 of its shape."""
    for path, opener in ((os.path.join(directory, name), open), (os.path.join(directory, name + ".gz"), gzip.open)):
        if os.path.exists(path):
            with opener(path, "rb") as file:
                data = file.read()
            zero, kind, dimensions = struct.unpack(">HBB", data[:4])
            if zero != 0 or kind != 0x08:
                sys.exit(f"{path} is not an IDX file of unsigned bytes.")
            shape = struct.unpack(">" + "I" * dimensions, data[4 : 4 + 4 * dimensions])
            values = np.frombuffer(data, np.uint8, offset=4 + 4 * dimensions)
            if values.size != math.prod(shape):
                sys.exit(f"{path} is cut short: {values.size} bytes of {math.prod(shape)}.")
            return values.reshape(shape)
    sys.exit(f"{os.path.join(directory, name)} (or .gz) is missing. MNIST_DIR must hold {', '.join(MNIST_FILES)}.")


def load_mnist(directory):
    """The four files, the images flattened row by row and scaled as the app does."""
    if not os.path.isdir(directory):
        sys.exit(f"{directory} is not a directory. Give the directory that holds {', '.join(MNIST_FILES)}.")
    train_images, train_labels, test_images, test_labels = (read_idx(directory, name) for name in MNIST_FILES)
    if len(train_images) < EXPERIMENT["trainExamples"] or len(train_labels) != len(train_images) or len(test_labels) != len(test_images):
        sys.exit(f"{directory} holds {len(train_images)} training images; the experiment needs {EXPERIMENT['trainExamples']}, with a label each.")
    return (PIXELS[train_images.reshape(-1, 784)], train_labels.astype(np.int64), PIXELS[test_images.reshape(-1, 784)], test_labels.astype(np.int64))`;

const TRAINING_SECTION = `# ---- Training, as the app's trainer does it (src/train/trainer.ts) -------------------
def train(contestant, trainee, orders, test_count):
    """One contestant: per epoch the shuffled batches (the last one may be shorter), the
    mean loss and accuracy of the batches as they were trained on, then the test set.
    A run whose loss is not finite, or has collapsed, stops as diverged."""
    batch_size = EXPERIMENT["batchSize"]
    key = contestant_key(contestant)
    history, recent = [], []
    for epoch, order in enumerate(orders, start=1):
        started = time.perf_counter()
        loss_sum = correct = samples = 0
        for batch, start in enumerate(range(0, len(order), batch_size), start=1):
            indices = order[start : start + batch_size]
            loss, right = trainee.step(indices)
            recent = (recent + [loss])[-COLLAPSE_WINDOW:]
            if not math.isfinite(loss) or (len(recent) == COLLAPSE_WINDOW and sum(recent) / COLLAPSE_WINDOW > COLLAPSE_LOSS):
                print(f"{name_of(contestant)} diverged in epoch {epoch}, batch {batch}")
                return {"contestant": key, "status": "diverged", "divergence": {"epoch": epoch, "batch": batch}, "history": history}
            loss_sum += loss * len(indices)
            correct += right
            samples += len(indices)
        training_seconds = time.perf_counter() - started
        test_loss_sum, test_correct = trainee.evaluate()
        if not math.isfinite(test_loss_sum):
            return {"contestant": key, "status": "diverged", "divergence": {"epoch": epoch, "batch": batch}, "history": history}
        metrics = {
            "epoch": epoch,
            "trainLoss": loss_sum / samples,
            "trainAccuracy": correct / samples,
            "testLoss": test_loss_sum / test_count,
            "testAccuracy": test_correct / test_count,
            "seconds": time.perf_counter() - started,
            "samplesPerSecond": samples / max(training_seconds, 1e-6),
        }
        history.append(metrics)
        print(
            f"{name_of(contestant)}  epoch {epoch}/{EXPERIMENT['epochs']}  train loss {metrics['trainLoss']:.4f}"
            f"  test loss {metrics['testLoss']:.4f}  test accuracy {100 * metrics['testAccuracy']:.2f} %"
        )
    return {"contestant": key, "status": "done", "history": history}


def contestant_key(contestant):
    """Its name in links and results files: "adam", "adam2"."""
    return contestant["optimizer"] + ("" if contestant["ordinal"] == 1 else str(contestant["ordinal"]))


def name_of(contestant):
    return NAMES[contestant["optimizer"]] + ("" if contestant["ordinal"] == 1 else f" {contestant['ordinal']}")


def run_experiment(make_trainee, test_count, out):
    """Trains every selected contestant once per seed (seed, seed + 1, ...): for each seed from
    that seed's weights on that seed's batches, as the app does; then writes the results file."""
    examples = EXPERIMENT["trainExamples"]
    runs = []
    for offset in range(EXPERIMENT.get("seeds", 1)):
        seed = (EXPERIMENT["seed"] + offset) & MASK
        weights = initial_weights(seed, EXPERIMENT["network"])
        shuffle = Random(seed, STREAM_SHUFFLE)
        orders = [shuffled(examples, shuffle) for _ in range(EXPERIMENT["epochs"])]
        for contestant in EXPERIMENT["contestants"]:
            if contestant["selected"]:
                if EXPERIMENT.get("seeds", 1) > 1:
                    print(f"{name_of(contestant)}, seed {seed}")
                runs.append({**train(contestant, make_trainee(contestant, weights), orders, test_count), "seed": seed})
    exported_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    results = {**RESULTS_HEADER, "exportedAt": exported_at, "experiment": EXPERIMENT, "backend": None, "runs": runs, "link": LINK}
    with open(out, "w", encoding="utf-8") as file:
        json.dump(results, file, indent=2)
    print(f"Wrote {out}: open it in Optimizer Playground (Open results...).")`;

interface EngineSections {
  imports: string;
  data: string;
  model: string;
  optimizers: string;
  main: string;
}

const namesLiteral = (ids: readonly string[]) => pythonLiteral(Object.fromEntries(ids.map((id) => [id, OPTIMIZERS[id as keyof typeof OPTIMIZERS].label])));

/** Each used optimizer's constructor from a contestant's hyperparameters `hp`. */
function optimizerTable(ids: readonly (keyof typeof OPTIMIZER_EXPORTS)[], construct: (id: keyof typeof OPTIMIZER_EXPORTS) => string): string {
  return `OPTIMIZERS = {\n${ids.map((id) => `    ${JSON.stringify(id)}: ${construct(id)},`).join('\n')}\n}\nNAMES = ${namesLiteral(ids)}`;
}

const callArgs = (args: Readonly<Record<string, string>>) => Object.entries(args).map(([name, value]) => `${name}=${value}`);

/** The knobs (weight decay, clipping) an optimizer has, as Keras arguments. */
function baseSettingArgs(id: keyof typeof OPTIMIZER_EXPORTS): Record<string, string> {
  const keys = new Set(OPTIMIZERS[id].parameters.map((p) => p.key));
  return Object.fromEntries(
    Object.entries(BASE_OPTIMIZER_SETTINGS)
      .filter(([key]) => keys.has(key))
      .map(([key, setting]) => [setting.keras, setting.noneWhenOff ? `${hp(key)} or None` : hp(key)]),
  );
}

/** Python functions or constructors of the used schedules, and the table naming them. */
function scheduleTable(kinds: readonly ScheduledKind[], entry: (kind: ScheduledKind) => string): string {
  return `SCHEDULES = {\n${kinds.map((kind) => `    ${JSON.stringify(kind)}: ${entry(kind)},`).join('\n')}\n}`;
}

function kerasSections(ids: readonly (keyof typeof OPTIMIZER_EXPORTS)[], kinds: readonly ScheduledKind[]): EngineSections {
  return {
    imports: `import argparse
import gzip
import json
import math
import os
import struct
import sys
import time
from datetime import datetime, timezone

import keras
import numpy as np`,
    data: `${IDX_SECTION}


def download_mnist():
    """keras.datasets.mnist (downloaded once, then cached), flattened and scaled as above."""
    (train_images, train_labels), (test_images, test_labels) = keras.datasets.mnist.load_data()
    return (PIXELS[train_images.reshape(-1, 784)], train_labels.astype(np.int64), PIXELS[test_images.reshape(-1, 784)], test_labels.astype(np.int64))`,
    model: `# ---- The network and its loss -------------------------------------------------------
def build_model(weights):
    """Dense layers in float32, softmax output; the app's initial weights replace Keras's own draw."""
    network = EXPERIMENT["network"]
    layers = [keras.Input(shape=(784,))]
    layers += [keras.layers.Dense(units, activation=network["activation"]) for units in network["hiddenLayers"]]
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.set_weights(weights)
    return model`,
    optimizers: `# ---- The optimizers: Keras 3 takes the app's settings as they are -------------------
# Each is built from a contestant's settings hp and its learning rate lr (a number, or a schedule).
${optimizerTable(ids, (id) => {
  const { className, args } = OPTIMIZER_EXPORTS[id].keras;
  const own = Object.entries(args).map(([name, key]) => `${name}=${key === 'learningRate' ? 'lr' : kerasArgument(id, key)}`);
  return `lambda hp, lr: keras.optimizers.${className}(${[...own, ...callArgs(baseSettingArgs(id))].join(', ')})`;
})}
${
  kinds.length
    ? `${scheduleTable(kinds, (kind) => `lambda lr, v: keras.optimizers.schedules.${SCHEDULE_EXPORTS[kind].keras}(${callArgs(SCHEDULE_EXPORTS[kind].args).join(', ')})`)}


`
    : ''
}
def learning_rate(contestant):
    """The contestant's learning rate, or Keras's schedule starting from it."""
    lr, schedule = contestant["hyperparameters"]["learningRate"], contestant.get("schedule")
    return SCHEDULES[schedule["kind"]](lr, schedule["values"]) if schedule and schedule["kind"] != "constant" else lr


class Trainee:
    """One contestant's model, compiled with its optimizer and Keras's sparse categorical
    cross-entropy on the softmax probabilities (clipped to [1e-7, 1 - 1e-7], as the app)."""

    def __init__(self, contestant, weights, data):
        self.train_images, self.train_labels, self.test_images, self.test_labels = data
        self.model = build_model(weights)
        self.model.compile(
            optimizer=OPTIMIZERS[contestant["optimizer"]](contestant["hyperparameters"], learning_rate(contestant)),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
        )

    def step(self, indices):
        """One update on these examples; the loss and the count of correct answers of the batch before it."""
        self.model.reset_metrics()
        logs = self.model.train_on_batch(self.train_images[indices], self.train_labels[indices], return_dict=True)
        return float(logs["loss"]), round(float(logs["accuracy"]) * len(indices))

    def evaluate(self):
        """The summed loss and the count of correct answers over the test set."""
        logs = self.model.evaluate(self.test_images, self.test_labels, batch_size=EVALUATION_BATCH, verbose=0, return_dict=True)
        count = len(self.test_labels)
        return float(logs["loss"]) * count, round(float(logs["accuracy"]) * count)`,
    main: `def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="optimizer-playground-results-keras.json", help="results file to write")
    parser.add_argument("--mnist-dir", help="read the four MNIST IDX files (raw or .gz) from here instead of downloading")
    args = parser.parse_args()
    keras.utils.set_random_seed(EXPERIMENT["seed"])
    data = load_mnist(args.mnist_dir) if args.mnist_dir else download_mnist()
    run_experiment(lambda contestant, weights: Trainee(contestant, weights, data), len(data[3]), args.out)


if __name__ == "__main__":
    main()
`,
  };
}

function pytorchSections(ids: readonly (keyof typeof OPTIMIZER_EXPORTS)[], kinds: readonly ScheduledKind[]): EngineSections {
  // Each Keras rule once, however many optimizers use it (Adam and AdamW).
  const rules = [...new Set(ids.map((id) => OPTIMIZER_EXPORTS[id].torch).flatMap((torch) => ('rule' in torch ? [torch.rule.source] : [])))];
  // The base-optimizer settings any of these optimizers has, in the table's order.
  const baseSettings = Object.entries(BASE_OPTIMIZER_SETTINGS).filter(([key]) => ids.some((id) => OPTIMIZERS[id].parameters.some((p) => p.key === key)));
  const indent = (code: string, by: string) => code.replace(/^/gm, by);
  return {
    imports: `import argparse
import gzip
import json
import math
import os
import struct
import sys
import time
from datetime import datetime, timezone

import numpy as np
import torch`,
    data: IDX_SECTION,
    model: `# ---- The network and its loss -------------------------------------------------------
ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}


def build_model(weights):
    """Linear layers in float32 (a Keras kernel is the transpose of torch's weight), the app's initial weights."""
    network = EXPERIMENT["network"]
    widths = [784] + network["hiddenLayers"] + [10]
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        linear = torch.nn.Linear(fan_in, fan_out)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(weights[2 * i].T.copy()))
            linear.bias.copy_(torch.from_numpy(weights[2 * i + 1]))
        layers.append(linear)
        if i < len(widths) - 2:
            layers.append(ACTIVATIONS[network["activation"]]())
    return torch.nn.Sequential(*layers)


def keras_crossentropy(probabilities, labels):
    """Keras 3's sparse categorical cross-entropy on probabilities, per example: renormalise,
    clip to [EPSILON, 1 - EPSILON] (no gradient where clipped), -log of the true class."""
    probabilities = probabilities / probabilities.sum(dim=1, keepdim=True)
    clipped = probabilities.clamp(EPSILON, 1 - EPSILON)
    return -torch.log(clipped.gather(1, labels[:, None]))[:, 0]`,
    optimizers: `# ---- The optimizers ------------------------------------------------------------------
# torch.optim where its arguments make it compute Keras's rule; otherwise Keras's rule as
# a small torch.optim.Optimizer below. Python computes the per-step scalars in double
# precision and torch rounds them once; Keras computes some in float32.
${ids.map((id) => wrap(`${OPTIMIZERS[id].label}: ${OPTIMIZER_EXPORTS[id].torch.why}`, 86).replace(/^/gm, '# ')).join('\n')}
${optimizerTable(ids, (id) => {
  const { className, args } = torchConstructor(id);
  return `lambda params, hp: ${className}(params, ${callArgs(args).join(', ')})`;
})}
${rules.length ? `\n\n${KERAS_RULE_BASE}\n\n\n${rules.join('\n\n\n')}` : ''}${
      baseSettings.length
        ? `


@torch.no_grad()
def keras_before_update(optimizer, hp):
    """What Keras's base optimizer does to every weight before the update, in its order."""
    for group in optimizer.param_groups:
        lr = group["lr"]
        weights = [w for w in group["params"] if w.grad is not None]
${baseSettings.map(([, setting]) => indent(setting.torch, '        ')).join('\n')}`
        : ''
    }${
      kinds.length
        ? `


# Keras's learning-rate schedules, as functions of the starting rate lr, the values v and
# the steps already taken (Keras's iterations); the training step sets the rate from them.
${kinds.map((kind) => SCHEDULE_EXPORTS[kind].torch).join('\n\n\n')}


${scheduleTable(kinds, (kind) => /^def (\w+)/.exec(SCHEDULE_EXPORTS[kind].torch)![1])}`
        : ''
    }


class Trainee:
    """One contestant's network and optimizer."""

    def __init__(self, contestant, weights, data, device):
        self.train_images, self.train_labels, self.test_images, self.test_labels = data
        self.model = build_model(weights).to(device)
        self.hp = contestant["hyperparameters"]
        self.optimizer = OPTIMIZERS[contestant["optimizer"]](self.model.parameters(), self.hp)${
          kinds.length
            ? `
        self.schedule = contestant.get("schedule")
        self.iterations = 0`
            : ''
        }

    def step(self, indices):
        """One update on these examples; the loss and the count of correct answers of the batch before it."""
        indices = torch.from_numpy(indices).to(self.train_images.device)
        images, labels = self.train_images[indices], self.train_labels[indices]
        self.optimizer.zero_grad(set_to_none=True)
        probabilities = torch.softmax(self.model(images), dim=1)
        loss = keras_crossentropy(probabilities, labels).mean()
        loss.backward()${
          kinds.length
            ? `
        if self.schedule and self.schedule["kind"] != "constant":
            for group in self.optimizer.param_groups:
                group["lr"] = SCHEDULES[self.schedule["kind"]](self.hp["learningRate"], self.schedule["values"], self.iterations)
        self.iterations += 1`
            : ''
        }${baseSettings.length ? '\n        keras_before_update(self.optimizer, self.hp)' : ''}
        self.optimizer.step()
        return loss.item(), (probabilities.argmax(dim=1) == labels).sum().item()

    @torch.no_grad()
    def evaluate(self):
        """The summed loss and the count of correct answers over the test set."""
        loss_sum, correct = 0.0, 0
        for start in range(0, len(self.test_labels), EVALUATION_BATCH):
            images, labels = self.test_images[start : start + EVALUATION_BATCH], self.test_labels[start : start + EVALUATION_BATCH]
            probabilities = torch.softmax(self.model(images), dim=1)
            loss_sum += keras_crossentropy(probabilities, labels).sum().item()
            correct += (probabilities.argmax(dim=1) == labels).sum().item()
        return loss_sum, correct`,
    main: `def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mnist_dir", help="directory with the four MNIST IDX files (raw or .gz)")
    parser.add_argument("--out", default="optimizer-playground-results-pytorch.json", help="results file to write")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu", help="torch device (default: cuda if available)")
    args = parser.parse_args()
    torch.manual_seed(EXPERIMENT["seed"])
    device = torch.device(args.device)
    data = tuple(torch.from_numpy(array).to(device) for array in load_mnist(args.mnist_dir))
    run_experiment(lambda contestant, weights: Trainee(contestant, weights, data, device), len(data[3]), args.out)


if __name__ == "__main__":
    main()
`,
  };
}
