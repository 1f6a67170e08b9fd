/**
 * How each optimizer is written in an exported script (exportScripts.ts): one entry per
 * optimizer, mapping the app's hyperparameters to Keras 3's arguments and to PyTorch.
 * Keras 3 takes the settings as they are. PyTorch gets a torch.optim class where
 * arguments make it compute Keras's rule, and otherwise a small torch.optim.Optimizer
 * subclass in the script that implements Keras's rule (docs/EXPORT.md has the table and
 * the reasons). A test fails when an optimizer or a hyperparameter has no mapping here.
 */
import type { KnobKey } from './knobs';
import type { OptimizerId } from './optimizers';
import type { ScheduleKind } from './schedules';

/** The Python expression for a contestant's setting: `hp["learningRate"]` (hp is its hyperparameters dict). */
export const hp = (key: string) => `hp["${key}"]`;

/** A Keras 3 rule written as a torch.optim.Optimizer subclass (Python source; the base class is KERAS_RULE_BASE). */
export interface TorchRule {
  className: string;
  source: string;
}

export interface OptimizerExport {
  /** keras.optimizers.<className>(<argument>=hp["<app key>"], …). */
  keras: { className: string; args: Readonly<Record<string, string>>; /** App keys whose 0 is Keras's None (Muon's rms_rate). */ noneWhenOff?: readonly string[] };
  /**
   * PyTorch: a torch.optim class, `className(params, <argument>=<expression>, …)`, or a Keras
   * rule of the script, which takes Keras's arguments (`lr` for `learning_rate`). `why`
   * becomes the comment above it in the script.
   */
  torch: { optim: string; args: Readonly<Record<string, string>>; why: string } | { rule: TorchRule; why: string };
}

/** The PyTorch constructor of an optimizer, as a call on `params` with the contestant's `hp`. */
export function torchConstructor(id: OptimizerId): { className: string; args: Record<string, string> } {
  const { keras, torch } = OPTIMIZER_EXPORTS[id];
  if ('optim' in torch) return { className: torch.optim, args: { ...torch.args } };
  return { className: torch.rule.className, args: Object.fromEntries(Object.entries(keras.args).map(([name, key]) => [name === 'learning_rate' ? 'lr' : name, kerasArgument(id, key)])) };
}

/** The Python expression of an app key as a Keras argument: `hp["key"]`, or `hp["key"] or None` where 0 means None. */
export function kerasArgument(id: OptimizerId, key: string): string {
  return OPTIMIZER_EXPORTS[id].keras.noneWhenOff?.includes(key) ? `${hp(key)} or None` : hp(key);
}

/**
 * The knobs Keras's base optimizer applies to every optimizer (experiment/knobs.ts), by the
 * app's key: the Keras argument (`noneWhenOff`: 0 is passed as None, since Keras refuses two
 * clip arguments even when one is 0), and the PyTorch script's code for it, which runs after
 * backward() and before optimizer.step() in this table's order (Keras's: gradient clipping,
 * then weight decay). The code sees `weights` (the weights with gradients), `lr` (the step's
 * learning rate) and `hp`; at most one clip is set (the app refuses more, as Keras does).
 */
export const BASE_OPTIMIZER_SETTINGS: Readonly<Record<KnobKey, { keras: string; noneWhenOff: boolean; torch: string }>> = {
  clipNorm: {
    keras: 'clipnorm',
    noneWhenOff: true,
    torch: `if hp.get("clipNorm"):
    # Keras's clip_by_norm, per weight tensor: g * clipnorm / max(||g||, clipnorm).
    for w in weights:
        w.grad.copy_(w.grad * hp["clipNorm"] / torch.clamp(w.grad.norm(), min=hp["clipNorm"]))`,
  },
  globalClipNorm: {
    keras: 'global_clipnorm',
    noneWhenOff: true,
    torch: `if hp.get("globalClipNorm"):
    # Keras's clip_by_global_norm: every gradient times clip * min(1 / ||all||, 1 / clip).
    norm = torch.sqrt(sum((w.grad * w.grad).sum() for w in weights))
    scale = hp["globalClipNorm"] * torch.clamp(1 / norm, max=1 / hp["globalClipNorm"])
    for w in weights:
        w.grad.mul_(scale)`,
  },
  clipValue: {
    keras: 'clipvalue',
    noneWhenOff: true,
    torch: `if hp.get("clipValue"):
    for w in weights:
        w.grad.clamp_(-hp["clipValue"], hp["clipValue"])`,
  },
  weightDecay: {
    keras: 'weight_decay',
    // AdamW refuses None; 0 decays by nothing.
    noneWhenOff: false,
    torch: `# Decoupled, every weight (biases too): w -= w * weight_decay * lr. torch.optim's weight_decay
# argument adds weight_decay * w to the gradient instead (except AdamW's). A rule may give some
# weights another decay (Muon: adam_weight_decay for those that are not matrices).
decay_of = getattr(optimizer, "weight_decay_of", lambda w, hp: hp.get("weightDecay") or 0)
for w in weights:
    if decay_of(w, hp):
        w.sub_(w * decay_of(w, hp) * lr)`,
  },
};

/**
 * Each learning-rate schedule (experiment/schedules.ts): Keras's class with its arguments
 * (Python expressions of `lr`, the contestant's learning rate, and `v`, the schedule's
 * values), and for PyTorch a function of (lr, v, step) computing Keras's formula, which
 * sets the optimizer's lr before every step (step = steps already taken, as Keras's
 * iterations).
 */
export const SCHEDULE_EXPORTS: { readonly [K in Exclude<ScheduleKind, 'constant'>]: { keras: string; args: Readonly<Record<string, string>>; torch: string } } = {
  exponential: {
    keras: 'ExponentialDecay',
    args: { initial_learning_rate: 'lr', decay_steps: 'v["decaySteps"]', decay_rate: 'v["decayRate"]', staircase: 'v["staircase"]' },
    torch: `def exponential_decay(lr, v, step):
    p = step / v["decaySteps"]
    return lr * v["decayRate"] ** (math.floor(p) if v["staircase"] else p)`,
  },
  inverseTime: {
    keras: 'InverseTimeDecay',
    args: { initial_learning_rate: 'lr', decay_steps: 'v["decaySteps"]', decay_rate: 'v["decayRate"]', staircase: 'v["staircase"]' },
    torch: `def inverse_time_decay(lr, v, step):
    p = step / v["decaySteps"]
    return lr / (1 + v["decayRate"] * (math.floor(p) if v["staircase"] else p))`,
  },
  piecewise: {
    keras: 'PiecewiseConstantDecay',
    args: { boundaries: 'v["boundaries"]', values: 'v["values"]' },
    torch: `def piecewise_constant_decay(lr, v, step):
    """Replaces the learning rate: values[i] up to boundaries[i], the last value after."""
    for boundary, value in zip(v["boundaries"], v["values"]):
        if step <= boundary:
            return value
    return v["values"][-1]`,
  },
  polynomial: {
    keras: 'PolynomialDecay',
    args: { initial_learning_rate: 'lr', decay_steps: 'v["decaySteps"]', end_learning_rate: 'v["endLearningRate"]', power: 'v["power"]', cycle: 'v["cycle"]' },
    torch: `def polynomial_decay(lr, v, step):
    decay_steps, at = v["decaySteps"], step
    if v["cycle"]:
        decay_steps *= 1 if step == 0 else math.ceil(step / decay_steps)
    else:
        at = min(step, decay_steps)
    return (lr - v["endLearningRate"]) * (1 - at / decay_steps) ** v["power"] + v["endLearningRate"]`,
  },
  cosine: {
    keras: 'CosineDecay',
    // Keras warms up whenever warmup_target is set; the app's target counts only with warmup steps.
    args: { initial_learning_rate: 'lr', decay_steps: 'v["decaySteps"]', alpha: 'v["alpha"]', warmup_target: 'v["warmupTarget"] if v["warmupSteps"] > 0 else None', warmup_steps: 'v["warmupSteps"]' },
    torch: `def cosine_decay(lr, v, step):
    def decayed(at, start):
        return start * ((1 - v["alpha"]) * 0.5 * (1 + math.cos(math.pi * (at / v["decaySteps"]))) + v["alpha"])

    warmup = v["warmupSteps"]
    if warmup == 0:
        return decayed(min(step, v["decaySteps"]), lr)
    at = min(step, v["decaySteps"] + warmup)
    return (v["warmupTarget"] - lr) * (at / warmup) + lr if at < warmup else decayed(at - warmup, v["warmupTarget"])`,
  },
  cosineRestarts: {
    keras: 'CosineDecayRestarts',
    args: { initial_learning_rate: 'lr', first_decay_steps: 'v["decaySteps"]', t_mul: 'v["tMul"]', m_mul: 'v["mMul"]', alpha: 'v["alpha"]' },
    torch: `def cosine_decay_restarts(lr, v, step):
    t_mul, fraction = v["tMul"], step / v["decaySteps"]
    if t_mul == 1:
        restart = math.floor(fraction)
        fraction -= restart
    else:
        restart = math.floor(math.log(1 - fraction * (1 - t_mul)) / math.log(t_mul))
        fraction = (fraction - (1 - t_mul**restart) / (1 - t_mul)) / t_mul**restart
    decayed = 0.5 * v["mMul"] ** restart * (1 + math.cos(math.pi * fraction))
    return lr * ((1 - v["alpha"]) * decayed + v["alpha"])`,
  },
};

/** What every Keras rule shares: its settings as a param group, a step count t from 1 and slots per weight. */
export const KERAS_RULE_BASE = `class KerasRule(torch.optim.Optimizer):
    """A Keras 3 update rule as a torch.optim.Optimizer: each weight keeps its slots and
    its step count t (from 1); a subclass gives slots() and update(). Settings keep
    Keras's names, except the learning rate, which is torch's "lr"."""

    def __init__(self, params, **settings):
        super().__init__(params, settings)

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for w in group["params"]:
                if w.grad is None:
                    continue
                state = self.state[w]
                if not state:
                    state["t"] = 0
                    state.update(self.slots(w, group))
                state["t"] += 1
                self.update(w, w.grad, state, group, state["t"])`;

const rule = (className: string, source: string): TorchRule => ({ className, source: `class ${className}(KerasRule):\n${source}` });

const ADAM_RULE = rule(
  'KerasAdam',
  `    """keras.optimizers.Adam (and AdamW, whose weight decay the training step applies).
    Keras adds epsilon to sqrt(v) and folds the bias correction into the step size;
    torch.optim.Adam adds it to sqrt(v / (1 - beta_2^t)), a different rule."""

    def slots(self, w, s):
        return {"m": torch.zeros_like(w), "v": torch.zeros_like(w), "v_hat": torch.zeros_like(w)}

    def update(self, w, g, state, s, t):
        m, v = state["m"], state["v"]
        m.add_((g - m) * (1 - s["beta_1"]))
        v.add_((g * g - v) * (1 - s["beta_2"]))
        if s["amsgrad"]:
            torch.maximum(state["v_hat"], v, out=state["v_hat"])
            v = state["v_hat"]
        alpha = s["lr"] * math.sqrt(1 - s["beta_2"] ** t) / (1 - s["beta_1"] ** t)
        w.sub_(m * alpha / (v.sqrt() + s["epsilon"]))`,
);

const ADAM_KERAS_ARGS = { learning_rate: 'learningRate', beta_1: 'beta1', beta_2: 'beta2', epsilon: 'epsilon', amsgrad: 'amsgrad' };

export const OPTIMIZER_EXPORTS: { readonly [K in OptimizerId]: OptimizerExport } = {
  sgd: {
    keras: { className: 'SGD', args: { learning_rate: 'learningRate', momentum: 'momentum', nesterov: 'nesterov' } },
    torch: {
      rule: rule(
        'KerasSGD',
        `    """keras.optimizers.SGD: v = momentum * v - lr * g; w += v (Nesterov: w += momentum * v - lr * g).
    torch.optim.SGD keeps buf = momentum * buf + g and steps -lr * buf: the same while lr is
    constant, not under a schedule (its buffer holds no lr). torch also refuses Nesterov
    without momentum, which Keras runs as plain SGD."""

    def slots(self, w, s):
        return {"momentum": torch.zeros_like(w)}

    def update(self, w, g, state, s, t):
        if s["momentum"] == 0:
            w.sub_(g * s["lr"])
            return
        v = state["momentum"]
        v.mul_(s["momentum"]).sub_(g * s["lr"])
        w.add_(v * s["momentum"] - g * s["lr"] if s["nesterov"] else v)`,
      ),
      why: "Keras's SGD, written below: torch.optim.SGD leaves the learning rate out of its momentum buffer, which differs under a schedule.",
    },
  },
  adam: {
    keras: { className: 'Adam', args: ADAM_KERAS_ARGS },
    torch: { rule: ADAM_RULE, why: "Keras's Adam, written below: torch.optim.Adam adds epsilon after the bias correction." },
  },
  adagrad: {
    keras: { className: 'Adagrad', args: { learning_rate: 'learningRate', initial_accumulator_value: 'initialAccumulator', epsilon: 'epsilon' } },
    torch: {
      rule: rule(
        'KerasAdagrad',
        `    """keras.optimizers.Adagrad: w -= lr * g / sqrt(a + epsilon). torch.optim.Adagrad
    (with initial_accumulator_value) divides by sqrt(a) + epsilon instead."""

    def slots(self, w, s):
        return {"accumulator": torch.full_like(w, s["initial_accumulator_value"])}

    def update(self, w, g, state, s, t):
        a = state["accumulator"]
        a.add_(g * g)
        w.sub_(g * s["lr"] / (a + s["epsilon"]).sqrt())`,
      ),
      why: "Keras's Adagrad, written below: torch.optim.Adagrad puts epsilon outside the square root.",
    },
  },
  adadelta: {
    keras: { className: 'Adadelta', args: { learning_rate: 'learningRate', rho: 'rho', epsilon: 'epsilon' } },
    torch: {
      optim: 'torch.optim.Adadelta',
      args: { lr: hp('learningRate'), rho: hp('rho'), eps: hp('epsilon') },
      why: "torch.optim.Adadelta equals Keras's rule (epsilon inside both square roots, the updated average of g^2) once lr is set: torch's default lr is 1.0, Keras's 0.001.",
    },
  },
  rmsprop: {
    keras: { className: 'RMSprop', args: { learning_rate: 'learningRate', rho: 'rho', momentum: 'momentum', epsilon: 'epsilon', centered: 'centered' } },
    torch: {
      rule: rule(
        'KerasRMSprop',
        `    """keras.optimizers.RMSprop: divides by sqrt(s + epsilon). torch.optim.RMSprop (alpha
    for rho) divides by sqrt(s) + epsilon, which differs most for weights with small
    gradients: Keras caps their step, torch does not."""

    def slots(self, w, s):
        return {"velocity": torch.zeros_like(w), "momentum": torch.zeros_like(w), "average_grad": torch.zeros_like(w)}

    def update(self, w, g, state, s, t):
        rho, velocity = s["rho"], state["velocity"]
        velocity.mul_(rho).add_(g * g * (1 - rho))
        denominator = velocity + s["epsilon"]
        if s["centered"]:
            average_grad = state["average_grad"]
            average_grad.mul_(rho).add_(g * (1 - rho))
            denominator = velocity - average_grad * average_grad + s["epsilon"]
        increment = g * s["lr"] / denominator.sqrt()
        if s["momentum"] > 0:
            state["momentum"].mul_(s["momentum"]).add_(increment)
            increment = state["momentum"]
        w.sub_(increment)`,
      ),
      why: "Keras's RMSprop, written below: torch.optim.RMSprop puts epsilon outside the square root.",
    },
  },
  nadam: {
    keras: { className: 'Nadam', args: { learning_rate: 'learningRate', beta_1: 'beta1', beta_2: 'beta2', epsilon: 'epsilon' } },
    torch: {
      rule: rule(
        'KerasNadam',
        `    """keras.optimizers.Nadam, with its momentum schedule u_t = beta_1 * (1 - 0.5 * 0.96^t).
    torch.optim.NAdam(momentum_decay=1.0) has the same schedule, but torch 1.13 multiplies
    u_t twice into the product for the next step (fixed in 2.0)."""

    def slots(self, w, s):
        return {"m": torch.zeros_like(w), "v": torch.zeros_like(w), "u_product": 1.0}

    def update(self, w, g, state, s, t):
        beta_1, beta_2, m, v = s["beta_1"], s["beta_2"], state["m"], state["v"]
        u_t = beta_1 * (1 - 0.5 * 0.96**t)
        u_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        state["u_product"] *= u_t
        u_product = state["u_product"]
        m.add_((g - m) * (1 - beta_1))
        v.add_((g * g - v) * (1 - beta_2))
        m_hat = m * (u_next / (1 - u_product * u_next)) + g * ((1 - u_t) / (1 - u_product))
        v_hat = v / (1 - beta_2**t)
        w.sub_(m_hat * s["lr"] / (v_hat.sqrt() + s["epsilon"]))`,
      ),
      why: "Keras's Nadam, written below: torch 1.13's NAdam gets the momentum product wrong.",
    },
  },
  adamw: {
    keras: { className: 'AdamW', args: ADAM_KERAS_ARGS },
    torch: {
      rule: ADAM_RULE,
      why: "Keras's AdamW: the training step decays the weights (w -= w * weight_decay * lr), then Keras's Adam, written below (torch.optim.AdamW adds epsilon after the bias correction).",
    },
  },
  adamax: {
    keras: { className: 'Adamax', args: { learning_rate: 'learningRate', beta_1: 'beta1', beta_2: 'beta2', epsilon: 'epsilon' } },
    torch: {
      rule: rule(
        'KerasAdamax',
        `    """keras.optimizers.Adamax: u = max(beta_2 * u, |g|), then epsilon is added to u.
    torch.optim.Adamax adds epsilon inside the max instead."""

    def slots(self, w, s):
        return {"m": torch.zeros_like(w), "u": torch.zeros_like(w)}

    def update(self, w, g, state, s, t):
        m, u = state["m"], state["u"]
        m.add_((g - m) * (1 - s["beta_1"]))
        torch.maximum(u * s["beta_2"], g.abs(), out=u)
        w.sub_(m * s["lr"] / ((1 - s["beta_1"] ** t) * (u + s["epsilon"])))`,
      ),
      why: "Keras's Adamax, written below: torch.optim.Adamax adds epsilon inside the max.",
    },
  },
  lion: {
    keras: { className: 'Lion', args: { learning_rate: 'learningRate', beta_1: 'beta1', beta_2: 'beta2' } },
    torch: {
      rule: rule(
        'KerasLion',
        `    """keras.optimizers.Lion (Chen et al., 2023); torch.optim has no Lion."""

    def slots(self, w, s):
        return {"m": torch.zeros_like(w)}

    def update(self, w, g, state, s, t):
        m = state["m"]
        w.sub_(torch.sign(m * s["beta_1"] + g * (1 - s["beta_1"])) * s["lr"])
        m.mul_(s["beta_2"]).add_(g * (1 - s["beta_2"]))`,
      ),
      why: 'Keras\'s Lion, written below: torch.optim has none.',
    },
  },
  lamb: {
    keras: { className: 'Lamb', args: { learning_rate: 'learningRate', beta_1: 'beta1', beta_2: 'beta2', epsilon: 'epsilon' } },
    torch: {
      rule: rule(
        'KerasLamb',
        `    """keras.optimizers.Lamb (You et al., 2020); torch.optim has no Lamb. Adam's step r, scaled
    by the trust ratio ||w|| / ||r|| over the whole tensor (1 where either norm is 0)."""

    def slots(self, w, s):
        return {"m": torch.zeros_like(w), "v": torch.zeros_like(w)}

    def update(self, w, g, state, s, t):
        m, v = state["m"], state["v"]
        m.add_((g - m) * (1 - s["beta_1"]))
        v.add_((g * g - v) * (1 - s["beta_2"]))
        r = (m / (1 - s["beta_1"] ** t)) / ((v / (1 - s["beta_2"] ** t)).sqrt() + s["epsilon"])
        w_norm, r_norm = w.norm(), r.norm()
        ratio = torch.where((w_norm > 0) & (r_norm > 0), w_norm / r_norm, torch.ones_like(w_norm))
        w.sub_(ratio * s["lr"] * r)`,
      ),
      why: "Keras's Lamb, written below: torch.optim has none.",
    },
  },
  ftrl: {
    keras: {
      className: 'Ftrl',
      args: {
        learning_rate: 'learningRate',
        learning_rate_power: 'learningRatePower',
        initial_accumulator_value: 'initialAccumulator',
        l1_regularization_strength: 'l1',
        l2_regularization_strength: 'l2',
        l2_shrinkage_regularization_strength: 'l2Shrinkage',
        beta: 'beta',
      },
    },
    torch: {
      rule: rule(
        'KerasFtrl',
        `    """keras.optimizers.Ftrl (FTRL-Proximal with Keras's L2 shrinkage and beta); torch.optim
    has no Ftrl. The weight is recomputed from the linear accumulator z each step."""

    def slots(self, w, s):
        return {"accumulator": torch.full_like(w, s["initial_accumulator_value"]), "linear": torch.zeros_like(w)}

    def update(self, w, g, state, s, t):
        lr, power, l1 = s["lr"], -s["learning_rate_power"], s["l1_regularization_strength"]
        l2 = s["l2_regularization_strength"] + s["beta"] / (2 * lr)
        n, z = state["accumulator"], state["linear"]
        gradient = g + 2 * s["l2_shrinkage_regularization_strength"] * w
        n_new = n + g * g
        z.add_(gradient - (n_new.pow(power) - n.pow(power)) / lr * w)
        quadratic = n_new.pow(power) / lr + 2 * l2
        w.copy_((z.clamp(-l1, l1) - z) / quadratic)
        n.copy_(n_new)`,
      ),
      why: "Keras's Ftrl, written below: torch.optim has none.",
    },
  },
  muon: {
    keras: {
      className: 'Muon',
      args: {
        learning_rate: 'learningRate',
        adam_beta_1: 'adamBeta1',
        adam_beta_2: 'adamBeta2',
        adam_weight_decay: 'adamWeightDecay',
        epsilon: 'epsilon',
        muon_a: 'muonA',
        muon_b: 'muonB',
        muon_c: 'muonC',
        adam_lr_ratio: 'adamLrRatio',
        momentum: 'momentum',
        ns_steps: 'nsSteps',
        nesterov: 'nesterov',
        rms_rate: 'rmsRate',
      },
      noneWhenOff: ['rmsRate'],
    },
    torch: {
      rule: rule(
        'KerasMuon',
        `    """keras.optimizers.Muon: 2-D weights take the Muon step (momentum, Newton-Schulz
    orthogonalisation as zeropower_via_newtonschulz5, then lr * sqrt(max(rows, cols)) * rms_rate),
    the others Keras's AdamW step at lr * adam_lr_ratio. torch.optim.Muon refuses weights that
    are not matrices and scales its step by its own adjust_lr_fn. Keras decays the matrices by
    weight_decay and the others by adam_weight_decay (weight_decay_of, read by the training step)."""

    def weight_decay_of(self, w, hp):
        return hp["weightDecay"] if w.ndim == 2 else hp["adamWeightDecay"]

    def slots(self, w, s):
        return {"m": torch.zeros_like(w)} if w.ndim == 2 else {"m": torch.zeros_like(w), "v": torch.zeros_like(w)}

    def update(self, w, g, state, s, t):
        m = state["m"]
        if w.ndim != 2:
            v = state["v"]
            m.add_((g - m) * (1 - s["adam_beta_1"]))
            v.add_((g * g - v) * (1 - s["adam_beta_2"]))
            alpha = s["lr"] * s["adam_lr_ratio"] * math.sqrt(1 - s["adam_beta_2"] ** t) / (1 - s["adam_beta_1"] ** t)
            w.sub_(m * alpha / (v.sqrt() + s["epsilon"]))
            return
        m.add_(g + m * (s["momentum"] - 1))
        u = g + s["momentum"] * m if s["nesterov"] else m
        tall = u.shape[0] > u.shape[1]
        x = u.T if tall else u
        x = x / (x.norm() + 1e-7)
        for _ in range(s["ns_steps"]):
            gram = x @ x.T
            x = s["muon_a"] * x + (s["muon_b"] * gram + s["muon_c"] * gram @ gram) @ x
        step = s["lr"] * (x.T if tall else x)
        if s["rms_rate"] is not None:
            step = step * math.sqrt(max(w.shape)) * s["rms_rate"]
        w.sub_(step)`,
      ),
      why: "Keras's Muon, written below: torch.optim.Muon takes only matrices and scales its step its own way.",
    },
  },
};
