/**
 * The elementwise algebra every optimizer's update is written in, and
 * `defineOptimizer`, the one place an optimizer is declared (catalog entry and
 * update rule together). Pure TypeScript: the tfjs engine evaluates a program with
 * tensors (src/train/optimizers/), scripts/build-kernel.ts turns the same program
 * into the wasm kernel's SIMD loop (src/train/kernel/generateUpdate.ts).
 *
 * A program reads w (the weight), g (its gradient), the optimizer's slots (per
 * weight, laid out like the weight), per-run constants (named numbers computed on
 * the host from the hyperparameters, in double, rounded to float32 once) and
 * per-step scalars (named numbers the host computes from the step t, e.g. Adam's
 * step size). Every elementwise operation is one float32 operation, in the order
 * the tree gives, in both engines. Structural switches (amsgrad, momentum > 0,
 * nesterov, centered) select a variant of the program.
 */
import { SHARED_KNOBS, type KnobKey } from './knobs';
import { defaultValues, type BooleanParameter, type NumberParameter, type Parameter, type ParameterValues } from './parameters';

// ---- expressions -------------------------------------------------------------------

export type Leaf =
  | { readonly op: 'weight' }
  | { readonly op: 'gradient' }
  | { readonly op: 'slot' | 'constant' | 'scalar'; readonly name: string };
export type UnaryOp = 'neg' | 'sqrt' | 'square' | 'abs' | 'sign';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'pow';
/** Reductions over the whole variable the update is applied to: one number per tensor, the same for every element. */
export type ReductionOp = 'sum';
export type Expr =
  | Leaf
  | { readonly op: UnaryOp | ReductionOp; readonly a: Expr }
  | { readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  | { readonly op: 'ifPositive'; readonly a: Expr; readonly b: Expr; readonly c: Expr };

export const add = (a: Expr, b: Expr): Expr => ({ op: 'add', a, b });
export const sub = (a: Expr, b: Expr): Expr => ({ op: 'sub', a, b });
export const mul = (a: Expr, b: Expr): Expr => ({ op: 'mul', a, b });
export const div = (a: Expr, b: Expr): Expr => ({ op: 'div', a, b });
/** Elementwise maximum (NaN propagates; max(-0, +0) is +0). */
export const max = (a: Expr, b: Expr): Expr => ({ op: 'max', a, b });
/** Elementwise minimum (NaN propagates; min(-0, +0) is -0). */
export const min = (a: Expr, b: Expr): Expr => ({ op: 'min', a, b });
/**
 * a to the power b, in double rounded to float32 (tfjs's cpu backend; the kernel
 * calls double pow per lane). Slow in the kernel: use sqrt where b is 0.5.
 */
export const pow = (a: Expr, b: Expr): Expr => ({ op: 'pow', a, b });
export const neg = (a: Expr): Expr => ({ op: 'neg', a });
export const sqrt = (a: Expr): Expr => ({ op: 'sqrt', a });
export const square = (a: Expr): Expr => ({ op: 'square', a });
/** |a| (clears the sign bit). */
export const abs = (a: Expr): Expr => ({ op: 'abs', a });
/** 1 where a > 0, -1 where a < 0, +0 otherwise: zeros of either sign and NaN give +0 (tfjs's sign; TensorFlow's gives NaN for NaN). */
export const sign = (a: Expr): Expr => ({ op: 'sign', a });

/**
 * The sum of a over every element of the variable being updated (a whole tensor,
 * never a piece of it): one number, broadcast to every element. Summed in double and
 * rounded to float32 once, as tfjs's cpu backend sums; the kernel sums in double too,
 * in its own order, so two engines may differ in the last bit of the sum (not bit for
 * bit, unlike every elementwise operation). Its argument must read the weight, the
 * gradient or a slot, and may not hold another sum (the kernel makes one pass over the
 * tensor for all sums, then one for the update). A program with a sum never lets the
 * kernel skip blank rows: every element counts.
 */
export const sum = (a: Expr): Expr => ({ op: 'sum', a });
/** then where x > 0, otherwise otherwise (NaN takes otherwise, as TensorFlow's where(greater(x, 0), ...)). */
export const ifPositive = (x: Expr, then: Expr, otherwise: Expr): Expr => ({ op: 'ifPositive', a: x, b: then, c: otherwise });

/** Float32 rounding, for host scalars that Keras computes in float32 (one call per operation). */
export const f32 = Math.fround;

// ---- definitions -------------------------------------------------------------------

export type NumberSpec = Omit<NumberParameter, 'key'>;
export type BooleanSpec = Omit<BooleanParameter, 'key'>;
export type ParameterSpecs = Record<string, NumberSpec | BooleanSpec>;
/** Hyperparameter values typed from their declaration: a misspelt key does not compile. */
export type ValuesOf<P extends ParameterSpecs> = { readonly [K in keyof P]: P[K] extends BooleanSpec ? boolean : number };

export interface Inputs<L extends string, C extends string, S extends string> {
  readonly w: Expr;
  readonly g: Expr;
  readonly slot: { readonly [K in L]: Expr };
  readonly c: { readonly [K in C]: Expr };
  readonly s: { readonly [K in S]: Expr };
}

/** What a variant computes: the new weight and the new value of each slot it keeps. */
export interface Program<L extends string> {
  weight: Expr;
  slots?: { readonly [K in L]?: Expr };
}

type Numbers<K extends string> = { readonly [Key in K]: number };

/** A source an optimizer comes from: a paper, or where it was not a paper (RMSprop), what it was. */
export interface Citation {
  /** As cited: "Kingma & Ba", "Chen et al.". */
  authors: string;
  year: number;
  title: string;
  /** Where it appeared: a journal, conference, arXiv number or course. */
  published: string;
  /** A sentence said after the citation: what it is cited for, or that it is a lecture and not a paper. */
  note?: string;
}

/** Plain words on an optimizer for its card: two to four sentences, and where it comes from. */
export interface OptimizerAbout {
  /** What its terms do and when it helps, in two to four sentences; Keras-default facts that explain the app's results. */
  summary: string;
  /** The paper it comes from first; then any its options come from (Nesterov momentum, AMSGrad). */
  sources: readonly [Citation, ...Citation[]];
}

export interface OptimizerSource<
  Id extends string,
  P extends ParameterSpecs,
  L extends string,
  C extends string,
  S extends string,
  W extends string,
  H extends Record<string, number>,
> {
  id: Id;
  label: string;
  /** The update rule as Keras writes it, shown to students under the settings. */
  rule: string;
  /** The same rule as TeX, typeset for students (formulas.ts names the hyperparameters' symbols). */
  tex: string;
  /** Plain words and citations, shown folded away on its card. */
  about: OptimizerAbout;
  /** Hyperparameters with Keras 3's defaults, ranges, help and link keys, in form order. */
  parameters: P;
  /** Defaults of the shared knobs (knobs.ts) where this optimizer's differ from off, e.g. AdamW's weight decay. */
  knobDefaults?: Partial<Record<KnobKey, number>>;
  /** The slots Keras keeps per weight and the value each starts at (declared order is the kernel's slot order). */
  slots?: (p: ValuesOf<P>) => Numbers<L>;
  /** Per-run constants, computed in double on the host and rounded to float32 once. */
  constants: (p: ValuesOf<P>) => Numbers<C>;
  /** Host state carried from step to step (Nadam's u_product), advanced once per step before `scalars`. */
  state?: { initial: (p: ValuesOf<P>) => H; next: (p: ValuesOf<P>, t: number, previous: H) => H };
  /** Per-step scalars for step t (1-based), computed on the host; use f32 where Keras computes in float32. */
  scalars?: (p: ValuesOf<P>, t: number, state: H) => Numbers<S>;
  /** Structural switches; each combination selects a variant of the program. */
  switches?: (p: ValuesOf<P>) => { readonly [K in W]: boolean };
  update: (x: Inputs<L, C, S>, on: { readonly [K in W]: boolean }) => Program<L>;
  /** A matrix-wise step for 2-D variables, where `update` steps only the others (Muon). */
  matrix?: MatrixSource<P, L, C, S, W>;
}

/** Newton–Schulz orthogonalisation settings: X ← a·X + (b·A + c·A²)·X with A = X·Xᵀ, `steps` times. */
export interface NewtonSchulz {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly steps: number;
}

/**
 * A matrix-wise step (Muon, keras/src/optimizers/muon.py): Keras steps every 2-D
 * variable with it and every other variable with the elementwise `update`. The
 * engines dispatch on its presence; its elementwise part is a program like `update`'s,
 * the orthogonalisation a routine of each engine's own.
 */
export interface MatrixSource<P extends ParameterSpecs, L extends string, C extends string, S extends string, W extends string> {
  /** The elementwise part: each slot's new value, and as `weight` the matrix u to orthogonalise. */
  direction: (x: Inputs<L, C, S>, on: { readonly [K in W]: boolean }) => Program<L>;
  newtonSchulz: (p: ValuesOf<P>) => NewtonSchulz;
  /**
   * Factors on lr·O for a rows × cols matrix, multiplied in this order in float32
   * (Muon: √max(rows, cols), then rms_rate; [1, 1] when off, which is exact).
   */
  scale: (p: ValuesOf<P>, rows: number, cols: number) => readonly [number, number];
  /** Weight decay of the variables `update` steps (Muon's adam_weight_decay); matrices decay by the shared knob. */
  elementwiseWeightDecay: (p: ValuesOf<P>) => number;
}

/** A definition with its types erased, as the registry, the engines and the code generator see it. */
export interface OptimizerDefinition<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
  readonly rule: string;
  readonly tex: string;
  readonly about: OptimizerAbout;
  readonly parameters: readonly Parameter[];
  readonly slots: (p: ParameterValues) => Record<string, number>;
  readonly constants: (p: ParameterValues) => Record<string, number>;
  readonly state?: { initial: (p: ParameterValues) => Record<string, number>; next: (p: ParameterValues, t: number, previous: Record<string, number>) => Record<string, number> };
  readonly scalars: (p: ParameterValues, t: number, state: Record<string, number>) => Record<string, number>;
  readonly switches: (p: ParameterValues) => Record<string, boolean>;
  readonly update: (x: Inputs<string, string, string>, on: Record<string, boolean>) => Program<string>;
  readonly matrix?: {
    readonly direction: (x: Inputs<string, string, string>, on: Record<string, boolean>) => Program<string>;
    readonly newtonSchulz: (p: ParameterValues) => NewtonSchulz;
    readonly scale: (p: ParameterValues, rows: number, cols: number) => readonly [number, number];
    readonly elementwiseWeightDecay: (p: ParameterValues) => number;
  };
}

export function defineOptimizer<
  const Id extends string,
  const P extends ParameterSpecs,
  L extends string = never,
  C extends string = never,
  S extends string = never,
  W extends string = never,
  H extends Record<string, number> = Record<string, never>,
>(source: OptimizerSource<Id, P, L, C, S, W, H>): OptimizerDefinition<Id> {
  const own = Object.entries(source.parameters).map(([key, spec]) => ({ ...spec, key }) as Parameter);
  const knobs = Object.entries(SHARED_KNOBS).map(([key, spec]): Parameter => ({ ...spec, key, defaultValue: source.knobDefaults?.[key as KnobKey] ?? spec.defaultValue }));
  const parameters = [...own, ...knobs];
  const erased = source as unknown as OptimizerDefinition<Id> & OptimizerSource<Id, ParameterSpecs, string, string, string, string, Record<string, number>>;
  return {
    id: source.id,
    label: source.label,
    rule: source.rule,
    tex: source.tex,
    about: source.about,
    parameters,
    slots: (p) => ({ ...(erased.slots?.(p as never) ?? {}) }),
    constants: (p) => ({ ...erased.constants(p as never) }),
    state: erased.state as OptimizerDefinition['state'],
    scalars: (p, t, state) => ({ ...(erased.scalars?.(p as never, t, state) ?? {}) }),
    switches: (p) => ({ ...(erased.switches?.(p as never) ?? {}) }),
    update: erased.update as OptimizerDefinition['update'],
    ...(erased.matrix ? { matrix: erased.matrix as unknown as NonNullable<OptimizerDefinition['matrix']> } : {}),
  };
}

/**
 * The weight decay a variable gets: the shared knob, except where a matrix-wise
 * definition gives the elementwise-stepped variables their own (Muon's adam_weight_decay).
 */
export function weightDecayOf(definition: OptimizerDefinition, params: ParameterValues, matrix: boolean): number {
  const knob = typeof params.weightDecay === 'number' ? params.weightDecay : 0;
  return definition.matrix && !matrix ? definition.matrix.elementwiseWeightDecay(params) : knob;
}

// ---- compiled programs -------------------------------------------------------------

/** One operation of a compiled program; `args` index earlier nodes. */
export interface Node {
  readonly op: Expr['op'];
  readonly name?: string;
  readonly args: readonly number[];
}

/** A variant's program as a list of distinct nodes in evaluation order (common subexpressions merged). */
export interface CompiledProgram {
  readonly nodes: readonly Node[];
  /** Node index of the new weight. */
  readonly weight: number;
  /** Slots this variant keeps, in declared order, with the node index of each one's new value. */
  readonly slots: readonly { readonly name: string; readonly value: number }[];
  /** Constants and scalars the program reads, in declared order. */
  readonly constants: readonly string[];
  readonly scalars: readonly string[];
  /** Node indices of the sums over the whole variable (`sum`), in node order: the kernel computes them in a first pass. */
  readonly reductions: readonly number[];
  /** Whether a zero gradient leaves the weight and every slot exactly as they are (the kernel then skips blank pixels); never with a sum. */
  readonly zeroGradientKeepsState: boolean;
  /** Structural identity, e.g. to tell which switch combinations give the same program. */
  readonly key: string;
}

const isLeaf = (e: Expr): e is Leaf => !('a' in e);

export function compileProgram(definition: OptimizerDefinition, program: Program<string>, declared: { slots: string[]; constants: string[]; scalars: string[] }): CompiledProgram {
  const nodes: Node[] = [];
  const byKey = new Map<string, number>();
  const seen = new Map<Expr, number>();
  const visit = (e: Expr): number => {
    const known = seen.get(e);
    if (known !== undefined) return known;
    let node: Node;
    if (isLeaf(e)) {
      const name = 'name' in e ? e.name : undefined;
      if (e.op === 'slot' && !declared.slots.includes(name!)) throw new Error(`${definition.id}: the update reads undeclared slot ${name}.`);
      if (e.op === 'constant' && !declared.constants.includes(name!)) throw new Error(`${definition.id}: the update reads undeclared constant ${name}.`);
      if (e.op === 'scalar' && !declared.scalars.includes(name!)) throw new Error(`${definition.id}: the update reads undeclared scalar ${name}.`);
      node = name === undefined ? { op: e.op, args: [] } : { op: e.op, name, args: [] };
    } else {
      node = { op: e.op, args: 'c' in e ? [visit(e.a), visit(e.b), visit(e.c)] : 'b' in e ? [visit(e.a), visit(e.b)] : [visit(e.a)] };
    }
    const key = `${node.op}${node.name === undefined ? '' : ` ${node.name}`}${node.args.map((a) => ` ${a}`).join('')}`;
    let index = byKey.get(key);
    if (index === undefined) {
      index = nodes.push(node) - 1;
      byKey.set(key, index);
    }
    seen.set(e, index);
    return index;
  };
  const weight = visit(program.weight);
  const outputs = program.slots ?? {};
  const slots = declared.slots.filter((name) => outputs[name] !== undefined).map((name) => ({ name, value: visit(outputs[name]!) }));
  const read = (op: string) => new Set(nodes.filter((n) => n.op === op).map((n) => n.name!));
  for (const name of read('slot')) {
    if (!slots.some((s) => s.name === name)) throw new Error(`${definition.id}: slot ${name} is read but not updated in this variant.`);
  }
  const constants = declared.constants.filter((name) => read('constant').has(name));
  const scalars = declared.scalars.filter((name) => read('scalar').has(name));
  const reductions = checkedReductions(definition, nodes);
  const key = [...nodes.map((n, i) => `${i}=${n.op}${n.name ? ` ${n.name}` : ''}${n.args.map((a) => ` ${a}`).join('')}`), `w=${weight}`, ...slots.map((s) => `${s.name}=${s.value}`)].join(';');
  // A sum reads every element, blank rows too: skipping them would change it.
  const zeroGradientKeepsState = reductions.length === 0 && keepsStateAtZeroGradient(nodes, weight, slots);
  return { nodes, weight, slots, constants, scalars, reductions, zeroGradientKeepsState, key };
}

/** The sum nodes, in node order, after checking each can be computed in one pass over the tensor before the update. */
function checkedReductions(definition: OptimizerDefinition, nodes: readonly Node[]): number[] {
  const perElement: boolean[] = [];
  const holdsSum: boolean[] = [];
  nodes.forEach((node, i) => {
    perElement.push(['weight', 'gradient', 'slot'].includes(node.op) || (node.op !== 'sum' && node.args.some((a) => perElement[a])));
    holdsSum.push(node.op === 'sum' || node.args.some((a) => holdsSum[a]));
    if (node.op !== 'sum') return;
    if (!perElement[node.args[0]]) throw new Error(`${definition.id}: node ${i} sums a host number; a sum must read the weight, the gradient or a slot.`);
    if (holdsSum[node.args[0]]) throw new Error(`${definition.id}: node ${i} sums an expression holding another sum; the engines compute every sum in one pass before the update.`);
  });
  return nodes.flatMap((node, i) => (node.op === 'sum' ? [i] : []));
}

/**
 * With g = 0, is every output exactly its own input? Nodes are classed as zero,
 * the unchanged value of one input, or anything else. A product is zero only by a
 * finite host number; a quotient with a zero numerator is zero (denominators are
 * taken to be nonzero, as sqrt(a + epsilon) is); x + 0 and x - 0 are x.
 */
function keepsStateAtZeroGradient(nodes: readonly Node[], weight: number, slots: readonly { name: string; value: number }[]): boolean {
  type Class = 'zero' | 'host' | 'other' | `input:${string}`;
  const classes: Class[] = [];
  for (const node of nodes) {
    const [a, b] = node.args.map((i) => classes[i]);
    let c: Class = 'other';
    switch (node.op) {
      case 'gradient': c = 'zero'; break;
      case 'weight': c = 'input:weight'; break;
      case 'slot': c = `input:slot ${node.name}`; break;
      case 'constant': case 'scalar': c = 'host'; break;
      case 'neg': case 'sqrt': case 'square': case 'abs': case 'sign': c = a === 'zero' ? 'zero' : a === 'host' ? 'host' : 'other'; break;
      case 'mul': c = (a === 'zero' && (b === 'host' || b === 'zero')) || (b === 'zero' && a === 'host') ? 'zero' : a === 'host' && b === 'host' ? 'host' : 'other'; break;
      case 'div': c = a === 'zero' ? 'zero' : a === 'host' && b === 'host' ? 'host' : 'other'; break;
      case 'add': c = b === 'zero' ? a : a === 'zero' ? b : a === 'host' && b === 'host' ? 'host' : 'other'; break;
      case 'sub': c = b === 'zero' ? a : a === 'host' && b === 'host' ? 'host' : 'other'; break;
      // pow(0, b) is 0 only for b > 0: never classed as zero.
      case 'max': case 'min': case 'pow': c = a === 'host' && b === 'host' ? 'host' : 'other'; break;
      // A sum stays 'other': a program with one never skips rows anyway (compileProgram).
      // Whichever branch is taken, two branches of one class give that class.
      case 'ifPositive': c = b === classes[node.args[2]] ? b : 'other'; break;
    }
    classes.push(c);
  }
  return classes[weight] === 'input:weight' && slots.every((s) => classes[s.value] === `input:slot ${s.name}`);
}

export interface Variant {
  readonly optimizer: string;
  /** e.g. 'sgd', 'sgd+momentum+nesterov' (the switches that are on). */
  readonly name: string;
  readonly switches: Readonly<Record<string, boolean>>;
  readonly program: CompiledProgram;
  /** The matrix step's elementwise part (its `weight` is the direction to orthogonalise), for a definition with one. */
  readonly matrix?: CompiledProgram;
}

/** Declared names: the key sets of slots, constants, scalars and switches (they never depend on the values). */
export function declaredNames(definition: OptimizerDefinition) {
  const p = defaultValues(definition.parameters);
  const state = definition.state?.initial(p) ?? {};
  return {
    slots: Object.keys(definition.slots(p)),
    constants: Object.keys(definition.constants(p)),
    scalars: Object.keys(definition.scalars(p, 1, definition.state ? definition.state.next(p, 1, state) : state)),
    switches: Object.keys(definition.switches(p)),
  };
}

function inputs(names: ReturnType<typeof declaredNames>): Inputs<string, string, string> {
  const leaves = (op: 'slot' | 'constant' | 'scalar', list: string[]) => Object.fromEntries(list.map((name) => [name, { op, name } as Expr]));
  return { w: { op: 'weight' }, g: { op: 'gradient' }, slot: leaves('slot', names.slots), c: leaves('constant', names.constants), s: leaves('scalar', names.scalars) };
}

function build(definition: OptimizerDefinition, on: Record<string, boolean>, names = declaredNames(definition)): { program: CompiledProgram; matrix?: CompiledProgram; key: string } {
  const program = compileProgram(definition, definition.update(inputs(names), on), names);
  if (!definition.matrix) return { program, key: program.key };
  const matrix = compileProgram(definition, definition.matrix.direction(inputs(names), on), names);
  const unknown = matrix.slots.filter((s) => !program.slots.some((own) => own.name === s.name));
  if (unknown.length) throw new Error(`${definition.id}: the matrix step keeps slots the elementwise step does not (${unknown.map((s) => s.name).join(', ')}).`);
  return { program, matrix, key: `${program.key}|matrix ${matrix.key}` };
}

const variantCache = new WeakMap<OptimizerDefinition, Variant[]>();

/** A variant's structural identity: its program's, with its matrix step's where it has one. */
export const variantKey = (v: Variant): string => (v.matrix ? `${v.program.key}|matrix ${v.matrix.key}` : v.program.key);

/**
 * Every distinct program of a definition: switch combinations in binary order
 * (the first switch the lowest bit), merged where they give the same program
 * (SGD's nesterov without momentum is plain SGD).
 */
export function variantsOf(definition: OptimizerDefinition): readonly Variant[] {
  let variants = variantCache.get(definition);
  if (!variants) {
    const names = declaredNames(definition);
    const found: Variant[] = [];
    for (let mask = 0; mask < 2 ** names.switches.length; mask++) {
      const switches = Object.fromEntries(names.switches.map((s, i) => [s, (mask & (1 << i)) !== 0]));
      const built = build(definition, switches, names);
      if (found.some((v) => variantKey(v) === built.key)) continue;
      const on = names.switches.filter((s) => switches[s]);
      found.push({ optimizer: definition.id, name: [definition.id, ...on].join('+'), switches, program: built.program, ...(built.matrix ? { matrix: built.matrix } : {}) });
    }
    variantCache.set(definition, (variants = found));
  }
  return variants;
}

const selectedCache = new WeakMap<OptimizerDefinition, Map<string, Variant>>();

/** The variant a set of hyperparameters selects. */
export function variantFor(definition: OptimizerDefinition, params: ParameterValues): Variant {
  const switches = definition.switches(params);
  const combination = JSON.stringify(Object.entries(switches).sort());
  let cache = selectedCache.get(definition);
  if (!cache) selectedCache.set(definition, (cache = new Map()));
  let variant = cache.get(combination);
  if (!variant) {
    const { key } = build(definition, switches);
    variant = variantsOf(definition).find((v) => variantKey(v) === key);
    if (!variant) throw new Error(`${definition.id}: switches ${combination} give a program outside its variants.`);
    cache.set(combination, variant);
  }
  return variant;
}

const stepCache = new WeakMap<OptimizerDefinition, WeakMap<ParameterValues, { t: number; state: Record<string, number> }>>();

/**
 * The per-step scalars of step t (1-based). A pure function of (params, t,
 * learningRate); the host state of the previous call with the same params object
 * is reused, so a run that steps 1, 2, 3, ... advances it once per step. A
 * schedule's learning rate for the step replaces params.learningRate in the
 * scalars (the host state never depends on it).
 */
export function stepScalars(definition: OptimizerDefinition, params: ParameterValues, t: number, learningRate?: number): Record<string, number> {
  const atStep = withLearningRate(params, learningRate);
  const { state: carried } = definition;
  if (!carried) return definition.scalars(atStep, t, {});
  let cache = stepCache.get(definition);
  if (!cache) stepCache.set(definition, (cache = new WeakMap()));
  let entry = cache.get(params);
  if (!entry || entry.t > t) entry = { t: 0, state: carried.initial(params) };
  while (entry.t < t) {
    entry.t += 1;
    entry.state = carried.next(params, entry.t, entry.state);
  }
  cache.set(params, entry);
  return definition.scalars(atStep, t, entry.state);
}

/** params with the step's learning rate (the same object when it is unchanged). */
export function withLearningRate(params: ParameterValues, learningRate: number | undefined): ParameterValues {
  return learningRate === undefined || learningRate === params.learningRate ? params : { ...params, learningRate };
}
